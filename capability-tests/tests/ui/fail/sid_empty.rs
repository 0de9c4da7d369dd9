use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing "";
};

fn main() {
    let _ = POLICY;
}
