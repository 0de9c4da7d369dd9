use capability::{capability, Policy};

const POLICY: Policy = capability! {
    "Alice";
};

fn main() {
    let _ = POLICY;
}
