use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice";
    video;
    ttl 25h;
    region "IE1";
};

fn main() {
    let _ = POLICY;
}
