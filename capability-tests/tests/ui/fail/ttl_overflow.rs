use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 99999999999999999999h;
};

fn main() {
    let _ = POLICY;
}
