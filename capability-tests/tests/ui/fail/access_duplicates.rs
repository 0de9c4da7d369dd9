use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice";
    video;
    identity "bob";
    video { room "x" };
    task_router { role "a"; role "b" };
};

fn main() {
    let _ = POLICY;
}
