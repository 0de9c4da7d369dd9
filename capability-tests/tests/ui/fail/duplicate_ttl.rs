use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 10m;
    ttl 1h;
};

fn main() {
    let _ = POLICY;
}
