use capability::{capability, Policy};

const POLICY: Policy = capability! {
    events { "" = "error" };
};

fn main() {
    let _ = POLICY;
}
