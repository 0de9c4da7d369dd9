use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 1e3s;
};

fn main() {
    let _ = POLICY;
}
