// `{expr}` wherever the grammar allows it: the policy is built at run time, in statement order.
use std::time::Duration;

use capability::{capability, AppSid, ClientName, Policy};

fn user() -> Result<ClientName, capability::Error> {
    ClientName::new("dave")
}

// A run-time parameter value: the size is checked when the policy is built, so a `Result`.
fn policy_for(name: ClientName, app_sid: AppSid, queue: &str) -> Result<Policy, capability::Error> {
    capability! {
        outgoing {app_sid} { Queue = {queue}, Region = "eu", Owned = {String::from("yes")} };
        incoming {name};
        ttl 90s;
    }
}

fn main() -> Result<(), capability::Error> {
    let app_sid: AppSid = "AP0123456789abcdef0123456789abcdef".parse()?;
    let policy = policy_for(user()?, app_sid, "billing")?;
    let built = Policy::builder()
        .outgoing(
            app_sid,
            [("Queue", "billing"), ("Region", "eu"), ("Owned", "yes")],
        )
        .incoming(ClientName::new("dave")?)
        .ttl(Duration::from_secs(90))
        .build()?;
    assert_eq!(policy.scope(), built.scope());
    assert_eq!(policy.grants(), built.grants());
    assert_eq!(policy.ttl(), Duration::from_secs(90));

    // A literal SID or name beside an expression, a block with statements, `?` inside.
    let level = "warning";
    let mixed = capability! {
        incoming "Alice";
        outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        events { Level = { let prefix = "level:"; format!("{prefix}{level}") } };
    }?;
    assert_eq!(
        mixed.grants().events().unwrap().filters(),
        &[("Level", "level:warning")]
    );
    assert_eq!(
        mixed.grants().outgoing().unwrap().client_name().unwrap(),
        "Alice"
    );
    assert_eq!(mixed.ttl(), Duration::from_secs(3600));

    let from_question_mark = capability! { incoming {ClientName::new("erin")?} };
    assert_eq!(from_question_mark.grants().incoming().unwrap(), "erin");
    Ok(())
}
