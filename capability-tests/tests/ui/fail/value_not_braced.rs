use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming alice;
};

fn main() {
    let _ = POLICY;
}
