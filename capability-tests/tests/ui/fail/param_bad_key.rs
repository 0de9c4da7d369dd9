use capability::{capability, Policy};

const POLICY: Policy = capability! {
    events { 42 = "error" };
};

fn main() {
    let _ = POLICY;
}
