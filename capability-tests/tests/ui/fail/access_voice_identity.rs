use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice smith";
    voice { incoming };
};

fn main() {
    let _ = POLICY;
}
