use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing "CA0123456789abcdef0123456789abcdef" { Foo = "Bar" };
};

fn main() {
    let _ = POLICY;
}
