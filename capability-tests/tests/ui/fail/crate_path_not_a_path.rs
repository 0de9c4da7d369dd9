use capability::{capability, Policy};

const POLICY: Policy = capability! {
    crate = "capability";
    incoming "Alice";
};

fn main() {
    let _ = POLICY;
}
