use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice";
    chat { endpoint "" };
};

fn main() {
    let _ = POLICY;
}
