use capability::{capability, Policy};

const POLICY: Policy = capability! {
    events { Level = "error" Queue = "support" };
};

fn main() {
    let _ = POLICY;
}
