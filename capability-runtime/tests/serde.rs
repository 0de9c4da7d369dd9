//! The `serde` feature: `Token` in a `#[derive(Serialize)]` response; the SIDs, `ClientName` and
//! `Identity` written as strings and read back only when valid, with the constructor's own
//! message.
//!
//! `cargo test -p capability-runtime --features serde`
#![cfg(feature = "serde")]

use capability_runtime::{
    AccountSid, ApiKeySid, AppSid, ClientName, Credentials, Error, Identity, Policy,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const APP: &str = "APfedcba9876543210fedcba9876543210";
const SECRET: &str = "0123456789abcdef0123456789abcdef";
const NOW: u64 = 1_700_000_000;

/// What a token endpoint returns.
#[derive(Serialize)]
struct TokenResponse {
    identity: ClientName,
    token: capability_runtime::Token,
    expires_at: u64,
}

/// What a config file holds.
#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Config {
    account_sid: AccountSid,
    app_sid: AppSid,
    operators: Vec<ClientName>,
    admins: Vec<Identity>,
}

/// The message serde_json gives for `T` read from `json`.
fn read_error<T: for<'de> Deserialize<'de> + std::fmt::Debug>(json: &str) -> String {
    serde_json::from_str::<T>(json).unwrap_err().to_string()
}

#[test]
fn a_token_serializes_as_its_text_in_a_response() {
    let credentials = Credentials::new(ACCOUNT, SECRET).unwrap();
    let alice = ClientName::new("alice").unwrap();
    let policy = Policy::builder().incoming(alice.clone()).build().unwrap();
    let token = policy.sign_at(&credentials, NOW);
    let response = TokenResponse {
        identity: alice,
        token: token.clone(),
        expires_at: token.expires_at(),
    };

    let value = serde_json::to_value(&response).unwrap();
    assert_eq!(
        value,
        json!({"identity": "alice", "token": token.as_str(), "expires_at": NOW + 3600})
    );
    // The text in the JSON is the whole token, signature included: it verifies.
    let text = value["token"].as_str().unwrap();
    let verified = credentials.verify_at(text, NOW + 1).unwrap();
    assert_eq!(verified.grants(), policy.grants());
}

#[test]
fn sids_client_names_and_identities_round_trip_as_strings() {
    let config = Config {
        account_sid: AccountSid::new(ACCOUNT).unwrap(),
        app_sid: AppSid::new(APP).unwrap(),
        operators: vec![
            ClientName::new("alice").unwrap(),
            ClientName::new(&"b".repeat(121)).unwrap(),
        ],
        admins: vec![Identity::new("carol.smith@example.com").unwrap()],
    };
    let text = serde_json::to_string(&config).unwrap();
    assert_eq!(
        text,
        format!(
            r#"{{"account_sid":"{ACCOUNT}","app_sid":"{APP}","operators":["alice","{}"],"admins":["carol.smith@example.com"]}}"#,
            "b".repeat(121)
        )
    );
    assert_eq!(serde_json::from_str::<Config>(&text).unwrap(), config);
}

#[test]
fn strings_are_read_borrowed_unescaped_or_owned() {
    // Borrowed from the input.
    let sid: AppSid = serde_json::from_str(&format!("\"{APP}\"")).unwrap();
    assert_eq!(sid, APP);
    // With an escape, serde_json hands over a transient copy.
    let sid: AppSid = serde_json::from_str(&format!("\"\\u0041{}\"", &APP[1..])).unwrap();
    assert_eq!(sid, APP);
    // From an owned value (`visit_string`).
    let name: ClientName = serde_json::from_value(json!("alice_42")).unwrap();
    assert_eq!(name, "alice_42");
    let sid: AccountSid = serde_json::from_value(json!(ACCOUNT)).unwrap();
    assert_eq!(sid, ACCOUNT);
}

#[test]
fn an_invalid_value_is_refused_with_the_constructors_message() {
    /// The value, how to read it, and the error the constructor gives for it.
    type Case = (&'static str, fn(&str) -> String, Error);
    let cases: &[Case] = &[
        (
            "AP123",
            read_error::<AppSid>,
            AppSid::new("AP123").unwrap_err(),
        ),
        ("", read_error::<AppSid>, AppSid::new("").unwrap_err()),
        (
            ACCOUNT,
            read_error::<AppSid>,
            AppSid::new(ACCOUNT).unwrap_err(),
        ),
        (
            APP,
            read_error::<AccountSid>,
            AccountSid::new(APP).unwrap_err(),
        ),
        (
            "AC0123456789abcdeg0123456789abcdef",
            read_error::<AccountSid>,
            AccountSid::new("AC0123456789abcdeg0123456789abcdef").unwrap_err(),
        ),
        (
            "alice-smith",
            read_error::<ClientName>,
            ClientName::new("alice-smith").unwrap_err(),
        ),
        (
            "",
            read_error::<ClientName>,
            ClientName::new("").unwrap_err(),
        ),
        (
            "eve\n",
            read_error::<Identity>,
            Identity::new("eve\n").unwrap_err(),
        ),
        ("", read_error::<Identity>, Identity::new("").unwrap_err()),
        (
            "SK0123",
            read_error::<ApiKeySid>,
            ApiKeySid::new("SK0123").unwrap_err(),
        ),
    ];
    for (value, read, error) in cases {
        let message = read(&serde_json::to_string(value).unwrap());
        let expected = error.to_string();
        assert!(
            message.starts_with(&expected) && message.contains(" at line 1 column "),
            "{value:?}: {message:?} should be {expected:?} at its position"
        );
    }
    // The messages name the rule (this one is quoted in the README).
    assert_eq!(
        read_error::<ClientName>(r#""alice-smith""#),
        "character 6 (`-`) is not allowed in a client name; use letters, digits or `_` \
         at line 1 column 13"
    );
    assert!(read_error::<AppSid>(r#""AP123""#).contains("32 hexadecimal digits"));
    assert!(read_error::<AppSid>(&format!("\"{ACCOUNT}\"")).contains("is an Account SID"));
    assert!(read_error::<ClientName>(r#""alice-smith""#).contains("use letters, digits or `_`"));
    let long = "a".repeat(122);
    assert!(
        read_error::<ClientName>(&format!("\"{long}\"")).contains("121"),
        "{}",
        read_error::<ClientName>(&format!("\"{long}\""))
    );
}

#[test]
fn an_invalid_field_of_a_config_names_the_rule() {
    let text = format!(
        r#"{{"account_sid":"{ACCOUNT}","app_sid":"{APP}","operators":["bob smith"],"admins":[]}}"#
    );
    let message = read_error::<Config>(&text);
    let expected = ClientName::new("bob smith").unwrap_err().to_string();
    assert!(message.starts_with(&expected), "{message}");
}

#[test]
fn a_secret_in_a_sid_field_is_not_quoted() {
    // The auth token where the Account SID belongs: the message says so without repeating it.
    let text =
        format!(r#"{{"account_sid":"{SECRET}","app_sid":"{APP}","operators":[],"admins":[]}}"#);
    let message = read_error::<Config>(&text);
    assert!(!message.contains(SECRET), "{message}");
    assert!(message.contains("not shown"), "{message}");
}

#[test]
fn a_value_that_is_not_a_string_says_what_was_expected() {
    assert_eq!(
        read_error::<AppSid>("5"),
        "invalid type: integer `5`, expected an Application SID at line 1 column 1"
    );
    assert_eq!(
        read_error::<AccountSid>("null"),
        "invalid type: null, expected an Account SID at line 1 column 4"
    );
    assert_eq!(
        read_error::<ClientName>(r#"["alice"]"#),
        "invalid type: sequence, expected a client name: 1 to 121 letters, digits or `_` at line 1 column 0"
    );
    assert_eq!(
        read_error::<Identity>("true"),
        "invalid type: boolean `true`, expected an identity: 1 to 256 characters, no control \
         character at line 1 column 4"
    );
}

#[cfg(feature = "dsl")]
#[test]
fn policies_deserialize_from_their_text() {
    use capability_runtime::{AccessPolicy, Policy};

    #[derive(Debug, serde::Deserialize)]
    struct Config {
        agent: Policy,
        app: AccessPolicy,
    }
    let config: Config = serde_json::from_str(
        r#"{
            "agent": "incoming \"Alice\"; outgoing \"AP0123456789abcdef0123456789abcdef\"; ttl 10m",
            "app": "identity \"alice\"; video { room \"DailyStandup\" }; region \"ie1\""
        }"#,
    )
    .unwrap();
    assert_eq!(
        config.agent,
        "incoming \"Alice\"; outgoing \"AP0123456789abcdef0123456789abcdef\"; ttl 10m"
            .parse::<Policy>()
            .unwrap()
    );
    assert_eq!(config.app.region().unwrap().as_str(), "ie1");

    // Every mistake, with its position, in one line.
    let error = serde_json::from_str::<Config>(
        r#"{"agent": "incomming \"Alice\"", "app": "identity \"a\"; video"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("invalid policy: line 1, column 1: unknown statement `incomming` (help: did you mean `incoming`?)"),
        "{error}"
    );
    assert!(!error.contains('\n'), "{error}");
    let error = serde_json::from_str::<Config>(r#"{"agent": 3, "app": ""}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("expected a policy in the grammar"),
        "{error}"
    );
}
