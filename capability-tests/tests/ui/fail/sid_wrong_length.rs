use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing "AP123";
};

fn main() {
    let _ = POLICY;
}
