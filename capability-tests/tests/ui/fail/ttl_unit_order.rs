use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 30m1h;
};

fn main() {
    let _ = POLICY;
}
