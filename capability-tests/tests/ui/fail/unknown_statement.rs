use capability::{capability, Policy};

const POLICY: Policy = capability! {
    grant "Alice";
};

fn main() {
    let _ = POLICY;
}
