use capability::{access_token, AccessPolicy};

const POLICY: AccessPolicy = access_token! {
    identity "alice";
    voice { outgoing "CR0123456789abcdef0123456789abcdef"; push_credential "AP0123456789abcdef0123456789abcdef" };
    chat { service "IS123"; deployment_role "REPLACE_ME" };
    task_router { workspace "WK0123456789abcdef0123456789abcdef" };
};

fn main() {
    let _ = POLICY;
}
