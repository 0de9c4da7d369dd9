use capability::{capability, Policy};

const POLICY: Policy = capability! {};

fn main() {
    let _ = POLICY;
}
