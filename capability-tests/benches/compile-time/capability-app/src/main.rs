//! A token server's signing code, with `capability`.
use capability::{capability, Credentials, Policy};

const POLICY: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar" };
    ttl 600s;
};

fn main() {
    let credentials = Credentials::new(
        "AC0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    let token = POLICY.sign(&credentials).unwrap();
    println!("{token}");
    println!("{:?}", credentials.verify(token.as_str()).unwrap().grants());
}
