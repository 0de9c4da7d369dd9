use capability::{capability, Policy};

const POLICY: Policy = capability! {
    events { Level "error" };
};

fn main() {
    let _ = POLICY;
}
