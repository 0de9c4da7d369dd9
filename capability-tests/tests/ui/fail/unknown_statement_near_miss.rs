use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incomming "Alice";
};

fn main() {
    let _ = POLICY;
}
