use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl -10s;
};

fn main() {
    let _ = POLICY;
}
