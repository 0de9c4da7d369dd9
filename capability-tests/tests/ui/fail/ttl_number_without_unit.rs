use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 1h30;
};

fn main() {
    let _ = POLICY;
}
