use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing "ap0123456789abcdef0123456789abcdef";
};

fn main() {
    let _ = POLICY;
}
