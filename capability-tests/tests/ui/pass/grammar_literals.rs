// Every statement with literals, in `const`, `static` and `let` position, checked against the
// run-time builder.
use std::time::Duration;

use capability::{capability, AppSid, ClientName, Policy};

const SUPPORT_DESK: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar", "Queue-Name" = "support desk" };
    events { Level = "error" };
    ttl 10m;
};

// Any order, trailing commas, no `;` after the last statement, an empty parameter block.
static EVENTS_FIRST: Policy = capability! {
    events;
    ttl 1h30m15s;
    outgoing "APBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" {};
    incoming "bob_42"
};

const DEFAULTS: Policy =
    capability! { outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { A = "1", B = "2", } };

fn main() {
    let built = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar"), ("Queue-Name", "support desk")],
        )
        .events([("Level", "error")])
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap();
    assert_eq!(SUPPORT_DESK.scope(), built.scope());
    assert_eq!(SUPPORT_DESK.grants(), built.grants());
    assert_eq!(SUPPORT_DESK.ttl(), Duration::from_secs(600));

    assert_eq!(
        EVENTS_FIRST.scope(),
        "scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params= \
         scope:client:outgoing?appSid=APBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB&appParams=&clientName=bob_42 \
         scope:client:incoming?clientName=bob_42"
    );
    assert_eq!(EVENTS_FIRST.ttl(), Duration::from_secs(5415));

    assert_eq!(DEFAULTS.ttl(), Duration::from_secs(3600));
    assert_eq!(
        DEFAULTS.grants().outgoing().unwrap().params(),
        &[("A", "1"), ("B", "2")]
    );
    assert!(DEFAULTS.grants().incoming().is_none());

    let local = capability! { incoming "Carol"; ttl 24h };
    assert_eq!(local.ttl(), Duration::from_secs(86_400));
}
