use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice";
    voice { incomming; outgoing "AP0123456789abcdef0123456789abcdef" };
    video { rooom "DailyStandup" };
    sync { deployment_role "RL0123456789abcdef0123456789abcdef" };
};

fn main() {
    let _ = POLICY;
}
