use capability::{capability, Policy};

const RAW: Policy = capability! { r#incoming "Alice"; r#ttl 10m };
const WITH_PATH: Policy = capability! { crate = ::capability; incoming "Alice"; ttl 10m };

fn main() {
    assert_eq!(RAW, WITH_PATH);
    assert_eq!(RAW.scope(), "scope:client:incoming?clientName=Alice");
}
