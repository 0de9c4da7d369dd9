use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    ttl 1.5h;
};

fn main() {
    let _ = POLICY;
}
