use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 10min;
};

fn main() {
    let _ = POLICY;
}
