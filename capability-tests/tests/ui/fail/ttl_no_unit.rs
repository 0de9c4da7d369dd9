use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 600;
};

fn main() {
    let _ = POLICY;
}
