//! Every reference vector of `tests/data/reference-vectors.json` (tokens that twilio-php,
//! twilio-python and twilio-node really produced), in both directions:
//! - `byte_exact`: the builder's policy signs to exactly the vector's token, compared whole;
//! - every vector: `verify_at` accepts the token and reads back exactly the listed grants.

mod common;

use std::time::Duration;

use capability_runtime::{AppSid, ClientName, Credentials, Grants, Policy};
use serde_json::Value;

const VECTORS: &str = include_str!("data/reference-vectors.json");

struct Vectors {
    credentials: Credentials,
    issued_at: u64,
    cases: Vec<Value>,
}

fn vectors() -> Vectors {
    let root: Value = serde_json::from_str(VECTORS).expect("reference-vectors.json is JSON");
    let credentials = Credentials::new(
        root["account_sid"].as_str().unwrap(),
        root["secret"].as_str().unwrap(),
    )
    .unwrap();
    Vectors {
        credentials,
        issued_at: root["issued_at"].as_u64().unwrap(),
        cases: root["cases"].as_array().unwrap().clone(),
    }
}

fn name(case: &Value) -> String {
    format!(
        "{} / {}",
        case["library"].as_str().unwrap(),
        case["case"].as_str().unwrap()
    )
}

fn pairs(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The policy a case describes, declared in its scope order with the builder.
fn policy(case: &Value) -> Policy {
    let mut builder = Policy::builder().ttl(Duration::from_secs(case["ttl"].as_u64().unwrap()));
    for scope in case["scopes"].as_array().unwrap() {
        builder = match scope["kind"].as_str().unwrap() {
            "incoming" => {
                builder.incoming(ClientName::new(scope["client_name"].as_str().unwrap()).unwrap())
            }
            "outgoing" => builder.outgoing(
                AppSid::new(scope["app_sid"].as_str().unwrap()).unwrap(),
                pairs(&scope["params"]),
            ),
            "events" => builder.events(pairs(&scope["filters"])),
            other => panic!("unknown scope kind {other}"),
        };
    }
    builder.build().unwrap()
}

/// Checks that `grants` is exactly what the case lists, scope by scope.
fn assert_grants(case: &Value, grants: &Grants) {
    let scopes = case["scopes"].as_array().unwrap();
    let find = |kind: &str| scopes.iter().find(|s| s["kind"] == kind);
    let case_name = name(case);

    match find("incoming") {
        Some(s) => assert_eq!(
            grants.incoming().expect(&case_name).as_str(),
            s["client_name"],
            "{case_name}"
        ),
        None => assert!(grants.incoming().is_none(), "{case_name}"),
    }
    match find("outgoing") {
        Some(s) => {
            let o = grants.outgoing().expect(&case_name);
            assert_eq!(o.app_sid().as_str(), s["app_sid"], "{case_name}");
            assert_eq!(o.params(), &pairs(&s["params"]), "{case_name}");
            assert_eq!(
                o.client_name().map(ClientName::as_str),
                s["client_name"].as_str(),
                "{case_name}"
            );
        }
        None => assert!(grants.outgoing().is_none(), "{case_name}"),
    }
    match find("events") {
        Some(s) => assert_eq!(
            grants.events().expect(&case_name).filters(),
            &pairs(&s["filters"]),
            "{case_name}"
        ),
        None => assert!(grants.events().is_none(), "{case_name}"),
    }
    assert!(grants.other_scopes().is_empty(), "{case_name}");
}

#[test]
fn byte_exact_vectors_sign_identically() {
    let v = vectors();
    let mut checked = 0;
    for case in v.cases.iter().filter(|c| c["mode"] == "byte_exact") {
        let token = policy(case).sign_at(&v.credentials, v.issued_at);
        assert_eq!(
            token.as_str(),
            case["token"].as_str().unwrap(),
            "{}",
            name(case)
        );
        // A prepared signer signs the same bytes.
        let signer = policy(case).signer(&v.credentials);
        assert_eq!(signer.sign_at(v.issued_at), token, "{}", name(case));
        assert_eq!(
            token.expires_at(),
            v.issued_at + case["ttl"].as_u64().unwrap()
        );
        checked += 1;
    }
    assert_eq!(checked, 9, "the vector file has nine byte_exact cases");
}

#[test]
fn byte_exact_vectors_have_the_reference_payload() {
    // A failure here says which part differs, where the whole-token comparison cannot.
    let v = vectors();
    for case in v.cases.iter().filter(|c| c["mode"] == "byte_exact") {
        let policy = policy(case);
        let payload: Value = serde_json::from_str(case["payload_json"].as_str().unwrap()).unwrap();
        assert_eq!(policy.scope(), payload["scope"], "{}", name(case));
    }
}

#[test]
fn every_vector_verifies_to_its_grants() {
    let v = vectors();
    assert_eq!(v.cases.len(), 31);
    for case in &v.cases {
        let verified = v
            .credentials
            .verify_at(case["token"].as_str().unwrap(), v.issued_at)
            .unwrap_or_else(|e| panic!("{}: {e}", name(case)));
        assert_eq!(
            verified.account_sid().as_str(),
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        );
        assert_eq!(
            verified.expires_at(),
            v.issued_at + case["ttl"].as_u64().unwrap(),
            "{}",
            name(case)
        );
        assert_grants(case, verified.grants());
    }
}

#[test]
fn the_extra_claims_of_python_and_node_are_read() {
    let v = vectors();
    for case in &v.cases {
        let verified = v
            .credentials
            .verify_at(case["token"].as_str().unwrap(), v.issued_at)
            .unwrap();
        let payload: Value = serde_json::from_str(case["payload_json"].as_str().unwrap()).unwrap();
        assert_eq!(
            verified.not_before(),
            payload["nbf"].as_u64(),
            "{}",
            name(case)
        );
        assert_eq!(
            verified.issued_at(),
            payload["iat"].as_u64(),
            "{}",
            name(case)
        );
    }
}

#[test]
fn vectors_expire_at_exp_and_python_ones_start_at_nbf() {
    let v = vectors();
    for case in &v.cases {
        let token = case["token"].as_str().unwrap();
        let exp = v.issued_at + case["ttl"].as_u64().unwrap();
        assert!(
            v.credentials.verify_at(token, exp - 1).is_ok(),
            "{}",
            name(case)
        );
        assert!(matches!(
            v.credentials.verify_at(token, exp),
            Err(capability_runtime::Error::Expired { .. })
        ));
        let has_nbf = case["payload_json"].as_str().unwrap().contains("\"nbf\"");
        assert_eq!(
            matches!(
                v.credentials.verify_at(token, v.issued_at - 1),
                Err(capability_runtime::Error::NotYetValid { .. })
            ),
            has_nbf,
            "{}",
            name(case)
        );
    }
}

#[test]
fn grants_compare_across_libraries() {
    // The same policy from php, python and node: equal grants whatever the order of the query.
    let v = vectors();
    let grants_of = |library: &str, case: &str| {
        let c = v
            .cases
            .iter()
            .find(|c| c["library"].as_str().unwrap().starts_with(library) && c["case"] == case)
            .unwrap();
        v.credentials
            .verify_at(c["token"].as_str().unwrap(), v.issued_at)
            .unwrap()
            .grants()
            .clone()
    };
    for case in [
        "incoming_alice",
        "outgoing_foo_bar",
        "both_incoming_first",
        "events_filters",
        "all_three",
    ] {
        let php = grants_of("twilio-php", case);
        assert_eq!(php, grants_of("twilio-python", case), "{case}");
        assert_eq!(php, grants_of("twilio-node", case), "{case}");
    }
    // Scope order does not matter.
    assert_eq!(
        grants_of("twilio-php", "both_incoming_first"),
        grants_of("twilio-php", "both_outgoing_first")
    );
    // But node leaving clientName off the outgoing scope is a different grant.
    assert_ne!(
        grants_of("twilio-node", "both_no_clientname_on_outgoing"),
        grants_of("twilio-node", "both_incoming_first")
    );
}

#[test]
fn twilio_rubys_documented_format() {
    // No vector of twilio-ruby exists; this token is built to its format as the spec (section 3)
    // describes it: PHP's header, `nbf`, outgoing parameters as appSid, clientName, appParams,
    // empty filters omitted, `~` left unencoded. Signed with the vectors' auth token.
    let scope = "scope:client:incoming?clientName=Alice \
                 scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&clientName=Alice&appParams=Foo%3DBar%26T%3Da~b+c \
                 scope:stream:subscribe?path=%2F2010-04-01%2FEvents";
    let payload = format!(
        r#"{{"scope":"{scope}","iss":"{}","exp":1700003600,"nbf":1700000000}}"#,
        common::ACCOUNT
    );
    let token = common::sign_json(r#"{"typ":"JWT","alg":"HS256"}"#, &payload);
    let verified = vectors()
        .credentials
        .verify_at(&token, 1_700_000_000)
        .unwrap();
    let grants = verified.grants();
    assert_eq!(grants.incoming().unwrap(), "Alice");
    let outgoing = grants.outgoing().unwrap();
    assert_eq!(outgoing.params(), &[("Foo", "Bar"), ("T", "a~b c")]);
    assert_eq!(outgoing.client_name().unwrap(), "Alice");
    assert!(grants.events().unwrap().filters().is_empty());
    assert_eq!(verified.not_before(), Some(1_700_000_000));
}
