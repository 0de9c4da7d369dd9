use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl "10m";
};

fn main() {
    let _ = POLICY;
}
