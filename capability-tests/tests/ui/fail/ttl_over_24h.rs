use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 24h1s;
};

fn main() {
    let _ = POLICY;
}
