use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing { Foo = "Bar" };
};

fn main() {
    let _ = POLICY;
}
