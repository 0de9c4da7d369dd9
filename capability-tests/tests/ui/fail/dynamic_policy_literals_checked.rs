use capability::{capability, ClientName};

fn main() {
    // The literal parts of a policy with `{expr}` values are still checked at compile time.
    let name = ClientName::new("Alice").unwrap();
    let _policy = capability! {
        incoming {name};
        outgoing "AP123" { Queue = "support" };
        ttl 48h;
    };
}
