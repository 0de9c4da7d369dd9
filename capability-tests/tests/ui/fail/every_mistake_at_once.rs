use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incomming "Alice";
    outgoing "AC0123456789abcdef0123456789abcdef" { Foo = "a", Foo = "b" };
    events { "" = "x" };
    ttl 600;
    ttl 1h;
};

fn main() {
    let _ = POLICY;
}
