//! `capability!` at run time: every policy the macro builds signs to exactly the bytes the
//! run-time builder gives for the same policy, and to the reference tokens of twilio-php.
//!
//! - Every `byte_exact` vector of `tests/data/reference-vectors.json`, written with the macro,
//!   signs to the vector's token (the whole token, compared as text).
//! - All-literal policies (embedded at compile time) equal their builder twins: scope, grants,
//!   TTL and signed token, for tricky encodings too.
//! - `const` and `static` items, `{expr}` values, and use without any `use`.

use std::collections::BTreeMap;
use std::time::Duration;

use capability::{capability, AppSid, ClientName, Credentials, Policy};
use serde_json::Value;

const ACCOUNT_SID: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SECRET: &str = "0123456789abcdef0123456789abcdef";
const ISSUED_AT: u64 = 1_700_000_000;

fn credentials() -> Credentials {
    Credentials::new(ACCOUNT_SID, SECRET).expect("valid credentials")
}

/// Asserts that two policies are the same policy and sign to the same bytes.
#[track_caller]
fn assert_same(from_macro: &Policy, from_builder: &Policy) {
    assert_eq!(from_macro.scope(), from_builder.scope());
    assert_eq!(from_macro.grants(), from_builder.grants());
    assert_eq!(from_macro.ttl(), from_builder.ttl());
    assert_eq!(
        capability_runtime::__private::policy_parts(from_macro),
        capability_runtime::__private::policy_parts(from_builder)
    );
    let credentials = credentials();
    for issued_at in [0, ISSUED_AT, 4_102_444_800] {
        assert_eq!(
            from_macro.sign_at(&credentials, issued_at).as_str(),
            from_builder.sign_at(&credentials, issued_at).as_str(),
        );
    }
}

/// The `byte_exact` policies of the reference vectors, written with the macro, by case name.
fn reference_policies() -> BTreeMap<&'static str, Policy> {
    BTreeMap::from([
        ("incoming_alice", capability! { incoming "Alice" }),
        (
            "outgoing_foo_bar",
            capability! { outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { Foo = "Bar" } },
        ),
        (
            "outgoing_noparams",
            capability! { outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
        ),
        (
            "both_incoming_first",
            capability! {
                incoming "Alice";
                outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { Foo = "Bar" };
            },
        ),
        (
            "both_outgoing_first",
            capability! {
                outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { Foo = "Bar" };
                incoming "Alice";
            },
        ),
        ("events_nofilter", capability! { events }),
        (
            "events_filters",
            capability! { events { foobar = "hey", CallSid = "CA123" } },
        ),
        (
            "both_ttl600",
            capability! {
                incoming "Alice";
                outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { Foo = "Bar" };
                ttl 600s;
            },
        ),
        (
            "all_three",
            capability! {
                incoming "Alice";
                outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { Foo = "Bar" };
                events { foobar = "hey" };
            },
        ),
    ])
}

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../capability-runtime/tests/data/reference-vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("reference vectors");
    serde_json::from_str(&text).expect("valid JSON")
}

fn pairs(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .expect("pairs")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("key").to_owned(),
                pair[1].as_str().expect("value").to_owned(),
            )
        })
        .collect()
}

/// The builder policy a vector describes.
fn builder_policy(case: &Value) -> Policy {
    let mut builder = Policy::builder();
    for scope in case["scopes"].as_array().expect("scopes") {
        builder = match scope["kind"].as_str().expect("kind") {
            "incoming" => builder.incoming(
                ClientName::new(scope["client_name"].as_str().expect("name")).expect("valid"),
            ),
            "outgoing" => builder.outgoing(
                AppSid::new(scope["app_sid"].as_str().expect("sid")).expect("valid"),
                pairs(&scope["params"]),
            ),
            "events" => builder.events(pairs(&scope["filters"])),
            other => panic!("unknown scope kind {other}"),
        };
    }
    builder
        .ttl(Duration::from_secs(case["ttl"].as_u64().expect("ttl")))
        .build()
        .expect("valid policy")
}

#[test]
fn every_byte_exact_vector_written_with_the_macro() {
    let vectors = vectors();
    assert_eq!(vectors["account_sid"], ACCOUNT_SID);
    assert_eq!(vectors["secret"], SECRET);
    assert_eq!(vectors["issued_at"], ISSUED_AT);
    let credentials = credentials();
    let mut policies = reference_policies();
    let mut checked = 0;
    for case in vectors["cases"].as_array().expect("cases") {
        if case["mode"] != "byte_exact" {
            continue;
        }
        let name = case["case"].as_str().expect("case name");
        let policy = policies
            .remove(name)
            .unwrap_or_else(|| panic!("the byte_exact vector `{name}` has no macro policy here"));
        let token = policy.sign_at(&credentials, ISSUED_AT);
        assert_eq!(token.as_str(), case["token"], "vector `{name}`");
        assert_eq!(
            token.expires_at(),
            ISSUED_AT + case["ttl"].as_u64().unwrap()
        );
        assert_same(&policy, &builder_policy(case));
        checked += 1;
    }
    assert!(
        policies.is_empty(),
        "macro policies without a vector: {:?}",
        policies.keys()
    );
    assert_eq!(checked, 9);
}

#[test]
fn the_issue_example_equals_its_builder_twin() {
    const SUPPORT_DESK: Policy = capability! {
        incoming "Alice";
        outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar", "Queue-Name" = "support desk" };
        events { Level = "error" };
        ttl 10m;
    };
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
    assert_same(&SUPPORT_DESK, &built);
    assert_eq!(
        SUPPORT_DESK.scope(),
        "scope:client:incoming?clientName=Alice \
         scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef\
         &appParams=Foo%3DBar%26Queue-Name%3Dsupport%2Bdesk&clientName=Alice \
         scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=Level%3Derror"
    );

    let credentials = credentials();
    let token = SUPPORT_DESK
        .sign(&credentials)
        .expect("the clock is after 1970");
    let verified = credentials.verify(token.as_str()).expect("verifies");
    assert_eq!(verified.grants(), SUPPORT_DESK.grants());
}

#[test]
fn tricky_literals_encode_like_the_builder() {
    let from_macro = capability! {
        outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" {
            "a b" = "c&d",
            "e" = "",
            "~*/" = "é😀",
            "=%+" = "line\nbreak",
            r#type = r"back\slash",
        };
        events { "Émoji" = "x y" , y = "" };
        incoming "A_b_9";
    };
    let built = Policy::builder()
        .outgoing(
            AppSid::from_static("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            [
                ("a b", "c&d"),
                ("e", ""),
                ("~*/", "é😀"),
                ("=%+", "line\nbreak"),
                ("type", r"back\slash"),
            ],
        )
        .events([("Émoji", "x y"), ("y", "")])
        .incoming(ClientName::from_static("A_b_9"))
        .build()
        .unwrap();
    assert_same(&from_macro, &built);
}

#[test]
fn every_ttl_form_equals_its_seconds() {
    let cases: [(Policy, u64); 8] = [
        (capability! { events; ttl 1s }, 1),
        (capability! { events; ttl 90s }, 90),
        (capability! { events; ttl 10m }, 600),
        (capability! { events; ttl 2h }, 7200),
        (capability! { events; ttl 1h30m }, 5400),
        (capability! { events; ttl 1h0m1s }, 3601),
        (capability! { events; ttl 1_000s }, 1000),
        (capability! { events; ttl 24h }, 86_400),
    ];
    for (policy, secs) in cases {
        let built = Policy::builder()
            .events(Vec::<(String, String)>::new())
            .ttl(Duration::from_secs(secs))
            .build()
            .unwrap();
        assert_same(&policy, &built);
    }
    // No `ttl`: the runtime's default.
    assert_eq!(capability! { events }.ttl(), capability::DEFAULT_TTL);
}

static STATIC_POLICY: Policy = capability! { incoming "static_client"; ttl 5m };
const CONST_POLICY: Policy = capability! { incoming "const_client"; ttl 5m };

#[test]
fn const_and_static_items_sign_from_any_thread() {
    let credentials = std::sync::Arc::new(credentials());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let credentials = credentials.clone();
            std::thread::spawn(move || {
                let policy: &'static Policy = &STATIC_POLICY;
                (
                    policy.sign_at(&credentials, ISSUED_AT + i).into_string(),
                    CONST_POLICY
                        .sign_at(&credentials, ISSUED_AT + i)
                        .into_string(),
                )
            })
        })
        .collect();
    for (i, handle) in (0..).zip(handles) {
        let (from_static, from_const) = handle.join().unwrap();
        let verified = credentials.verify_at(&from_static, ISSUED_AT + i).unwrap();
        assert_eq!(verified.grants().incoming().unwrap(), "static_client");
        assert_eq!(verified.expires_at(), ISSUED_AT + i + 300);
        let verified = credentials.verify_at(&from_const, ISSUED_AT + i).unwrap();
        assert_eq!(verified.grants().incoming().unwrap(), "const_client");
    }
    let built = Policy::builder()
        .incoming(ClientName::from_static("static_client"))
        .ttl(Duration::from_secs(300))
        .build()
        .unwrap();
    assert_same(&STATIC_POLICY, &built);
}

#[test]
fn expressions_give_the_same_policy_as_literals() {
    let name = ClientName::new("Alice").unwrap();
    let app_sid = AppSid::new("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").unwrap();
    let bar = String::from("Bar");
    let hey: &str = "hey";

    let dynamic = capability! {
        incoming {name.clone()};
        outgoing {app_sid} { Foo = {bar.clone()}, Queue = "support desk" };
        events { foobar = {hey} };
        ttl 10m;
    }
    .unwrap();
    let literal = capability! {
        incoming "Alice";
        outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { Foo = "Bar", Queue = "support desk" };
        events { foobar = "hey" };
        ttl 10m;
    };
    assert_same(&dynamic, &literal);

    // Statement order is scope order, with expressions too.
    let reordered = capability! {
        events { foobar = {hey} };
        outgoing {app_sid} { Foo = {bar}, Queue = "support desk" };
        incoming {name};
        ttl 10m;
    }
    .unwrap();
    let built = Policy::builder()
        .events([("foobar", "hey")])
        .outgoing(app_sid, [("Foo", "Bar"), ("Queue", "support desk")])
        .incoming(ClientName::from_static("Alice"))
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap();
    assert_same(&reordered, &built);
    assert!(reordered.scope().starts_with("scope:stream:subscribe?"));
}

#[test]
fn expressions_are_evaluated_once_in_statement_order() {
    let mut log = Vec::new();
    let mut note = |what: &'static str| {
        log.push(what);
        what
    };
    let policy = capability! {
        events { A = {note("a")}, B = {note("b")} };
        outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { C = {note("c")} };
    }
    .unwrap();
    assert_eq!(log, ["a", "b", "c"]);
    assert_eq!(
        policy.grants().events().unwrap().filters(),
        &[("A", "a"), ("B", "b")]
    );
}

#[test]
fn usable_without_any_import() {
    fn policy() -> capability::Policy {
        capability::capability! { incoming "no_imports"; ttl 1m }
    }
    assert_eq!(
        policy().scope(),
        "scope:client:incoming?clientName=no_imports"
    );
    mod renamed {
        use capability::capability as grant;
        pub const P: capability::Policy = grant! { incoming "renamed" };
    }
    assert_eq!(
        renamed::P.scope(),
        "scope:client:incoming?clientName=renamed"
    );
}

#[test]
fn run_time_parameters_cannot_make_a_token_the_verifier_refuses() {
    // The size of a policy with `{expr}` parameters is known only at run time: the macro
    // evaluates to a `Result`, and the builder's size rule refuses what would not verify.
    let long = "v".repeat(20_000);
    let too_large = capability! { events { K = {long.clone()} } };
    assert!(
        matches!(
            too_large,
            Err(capability::Error::PolicyTooLarge {
                max: capability::MAX_TOKEN_LEN,
                ..
            })
        ),
        "{too_large:?}"
    );
    let outgoing = capability! {
        outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { K = {long} };
    };
    assert!(matches!(
        outgoing,
        Err(capability::Error::PolicyTooLarge { .. })
    ));

    // The largest value that fits signs a token the verifier accepts.
    let credentials = Credentials::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "secret").unwrap();
    let (mut fits, mut too_long) = (0, 20_000);
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        match capability! { incoming "Alice"; events { K = {"v".repeat(mid)} } } {
            Ok(_) => fits = mid,
            Err(_) => too_long = mid,
        }
    }
    let policy = capability! { incoming "Alice"; events { K = {"v".repeat(fits)} } }.unwrap();
    let token = policy.sign_at(&credentials, 1_700_000_000);
    assert!(token.as_str().len() <= capability::MAX_TOKEN_LEN);
    credentials
        .verify_at(token.as_str(), 1_700_000_001)
        .unwrap();
}

#[test]
fn run_time_names_and_sids_are_bounded_by_their_types() {
    // Without `{expr}` parameters, the size rule was proven at compile time for the longest
    // `ClientName`: the macro evaluates to a `Policy`, and the longest name still verifies.
    let longest = ClientName::new(&"n".repeat(capability::MAX_CLIENT_NAME_LEN)).unwrap();
    let app_sid = AppSid::new("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").unwrap();
    let policy: Policy = capability! {
        incoming {longest};
        outgoing {app_sid} { Foo = "Bar" };
        events { Level = "error" };
    };
    let credentials = Credentials::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "secret").unwrap();
    let token = policy.sign_at(&credentials, capability::MAX_EXP - 86_400);
    credentials.verify_at(token.as_str(), 0).unwrap();
}
