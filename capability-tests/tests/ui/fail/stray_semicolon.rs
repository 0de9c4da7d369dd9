use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";;
};

fn main() {
    let _ = POLICY;
}
