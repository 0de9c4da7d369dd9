use capability::{capability, Policy};

const POLICY: Policy = capability! {
    ttl 10m;
};

fn main() {
    let _ = POLICY;
}
