use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice";
    vioce { incoming };
    conversations { service "IS0123456789abcdef0123456789abcdef" };
};

fn main() {
    let _ = POLICY;
}
