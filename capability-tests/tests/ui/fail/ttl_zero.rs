use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 0s;
};

fn main() {
    let _ = POLICY;
}
