// Beside its errors the macro still expands to a `Policy`, so the code around it adds no errors
// or warnings of its own: only the two mistakes are reported.
use capability::{capability, ClientName, Credentials, Policy};

const SUPPORT: Policy = capability! {
    incoming "support desk";
};

fn main() {
    let credentials = Credentials::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "secret").unwrap();
    println!("{}", SUPPORT.sign_at(&credentials, 0));

    let name = ClientName::new("Alice").unwrap();
    let policy = capability! {
        incoming {name};
        ttl 0s;
    };
    let token = policy.sign_at(&credentials, 0);
    println!("{}", token.expires_at());
}
