use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming;
};

fn main() {
    let _ = POLICY;
}
