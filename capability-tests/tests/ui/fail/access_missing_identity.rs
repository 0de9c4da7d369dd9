use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! { video { room "DailyStandup" } };

fn main() {
    let _ = POLICY;
}
