use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice" "Bob";
};

fn main() {
    let _ = POLICY;
}
