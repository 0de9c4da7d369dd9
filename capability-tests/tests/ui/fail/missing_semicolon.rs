use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice"
    outgoing "AP0123456789abcdef0123456789abcdef";
};

fn main() {
    let _ = POLICY;
}
