use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "a", Bar = "b", "Foo" = "c" };
};

fn main() {
    let _ = POLICY;
}
