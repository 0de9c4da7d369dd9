use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing "AP0123456789abcdeg0123456789abcdef";
};

fn main() {
    let _ = POLICY;
}
