use capability::{capability, Policy};

const POLICY: Policy = capability! {
    events { Level = "error", Level = "warning" };
};

fn main() {
    let _ = POLICY;
}
