//! The errors of the Access Token API: each says what was wrong and how to fix it, and no error
//! or `Debug` output shows the API key secret, even when the arguments are given in the wrong
//! order.

mod common;

use std::time::Duration;

use capability_runtime::{
    AccessPolicy, ApiKey, AppSid, ChatGrant, ClientName, ClientNameError, CredentialSid, Error,
    GrantKind, Identity, IdentityError, MigrationBlocker, PlaybackGrant, Policy, Region, RoleSid,
    RoomSid, ServiceSid, SidKind, SidProblem, VideoGrant, VoiceGrant, WorkerSid, WorkspaceSid,
    MAX_OUTGOING_PARAMS,
};
use common::access::{ACCOUNT, KEY_SID};

/// A secret in Twilio's format (32 letters and digits), unlike any text of the messages.
const SECRET: &str = "q7Zx9Lm2Vb8Nk4Tt6Yw1Pe3Rr5Uu0IiO";

/// No 4 characters in a row of `secret` appear in `text`.
fn assert_hidden(text: &str, secret: &str) {
    for window in secret.as_bytes().windows(4) {
        let window = std::str::from_utf8(window).unwrap();
        assert!(
            !text.contains(window),
            "`{window}` of the secret in: {text}"
        );
    }
}

#[test]
fn the_secret_never_shows_whatever_the_argument_order() {
    // Every order of the three arguments, and secrets shaped like SIDs.
    let shaped = [
        SECRET.to_owned(),
        format!("AC{SECRET}"),
        format!("SK{SECRET}"),
        format!("SK{}", &SECRET[..30]),
        format!("ACaa{}", &SECRET[4..]),
        format!("CA{SECRET}"),
    ];
    for secret in &shaped {
        let orders = [
            (ACCOUNT, secret.as_str(), KEY_SID),
            (secret.as_str(), KEY_SID, ACCOUNT),
            (secret.as_str(), ACCOUNT, KEY_SID),
            (KEY_SID, secret.as_str(), ACCOUNT),
            (KEY_SID, ACCOUNT, secret.as_str()),
        ];
        for (a, b, c) in orders {
            match ApiKey::new(a, b, c) {
                Err(e) => {
                    assert_hidden(&e.to_string(), secret);
                    assert_hidden(&format!("{e:?}"), secret);
                    let Error::InvalidSid(sid) = &e else {
                        panic!("{e:?}")
                    };
                    assert_eq!(sid.input(), "");
                }
                // The secret in its place: never shown either.
                Ok(key) => assert_hidden(&format!("{key:?}"), secret),
            }
        }
    }
    let key = ApiKey::new(ACCOUNT, KEY_SID, SECRET).unwrap();
    assert_hidden(&format!("{key:?}"), SECRET);
    assert!(format!("{key:?}").contains("[redacted]"));
    // Nor in the errors of verifying.
    for token in ["", "a.b.c", &"x".repeat(20_000)] {
        let e = key.verify_at(token, 0).unwrap_err();
        assert_hidden(&format!("{e} {e:?}"), SECRET);
    }
}

#[test]
fn sid_errors_of_api_key_new_name_the_kind_not_the_text() {
    let e = ApiKey::new(KEY_SID, ACCOUNT, SECRET).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the text given as the Account SID is an API Key SID; an Account SID starts with `AC` \
         (the text is not shown: it may be a secret given in the wrong place; check the order \
         of the arguments)"
    );
    let e = ApiKey::new(ACCOUNT, SECRET, KEY_SID).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "the text given as the API Key SID is not an API Key SID: it must start with `SK`"
        ),
        "{e}"
    );
    let Error::InvalidSid(sid) =
        ApiKey::new(ACCOUNT, &format!("SKz{}", &KEY_SID[3..]), SECRET).unwrap_err()
    else {
        panic!()
    };
    assert_eq!(sid.expected(), SidKind::ApiKey);
    assert_eq!(sid.problem(), &SidProblem::NotHexDigit { position: 3 });
    let e = ApiKey::new(ACCOUNT, "SK123", SECRET).unwrap_err();
    assert!(e.to_string().contains("has 5 characters"), "{e}");
    assert_eq!(
        ApiKey::new(ACCOUNT, KEY_SID, "").unwrap_err(),
        Error::EmptySecret
    );
    assert_eq!(
        Error::EmptySecret.to_string(),
        "the API key secret is empty; pass the secret shown when the API key was created"
    );
}

#[test]
fn grant_sids_name_the_kind_given() {
    let cases: [(Result<(), Error>, &str); 7] = [
        (
            CredentialSid::new("RL0123456789abcdef0123456789abcdef").map(drop),
            "is a Role SID; a Credential SID starts with `CR`",
        ),
        (
            RoleSid::new("CR0123456789abcdef0123456789abcdef").map(drop),
            "is a Credential SID; a Role SID starts with `RL`",
        ),
        (
            ServiceSid::new("WS0123456789abcdef0123456789abcdef").map(drop),
            "is a Workspace SID; a Service SID starts with `IS`",
        ),
        (
            WorkspaceSid::new("WK0123456789abcdef0123456789abcdef").map(drop),
            "is a Worker SID; a Workspace SID starts with `WS`",
        ),
        (
            WorkerSid::new("RM0123456789abcdef0123456789abcdef").map(drop),
            "is a Room SID; a Worker SID starts with `WK`",
        ),
        (
            RoomSid::new("AP0123456789abcdef0123456789abcdef").map(drop),
            "is an Application SID; a Room SID starts with `RM`",
        ),
        (
            AppSid::new("SK0123456789abcdef0123456789abcdef").map(drop),
            "is an API Key SID; an Application SID starts with `AP`",
        ),
    ];
    for (result, message) in cases {
        let e = result.unwrap_err().to_string();
        assert!(e.contains(message), "{e}");
    }
}

#[test]
fn identity_and_region_errors() {
    assert_eq!(
        Identity::new("").unwrap_err(),
        Error::InvalidIdentity(IdentityError::Empty)
    );
    assert_eq!(
        Identity::new(&"a".repeat(257)).unwrap_err().to_string(),
        "an identity has at most 256 characters, this one has 257; shorten it"
    );
    assert_eq!(
        Identity::new("a\tb").unwrap_err().to_string(),
        "character 2 (`\\t`) of the identity is a control character; remove it"
    );
    assert_eq!(
        Region::new("IE1").unwrap_err().to_string(),
        "`IE1` is not a region code; use Twilio's lowercase code, such as `us1`, `ie1` or `au1` \
         (a letter, then 1 to 15 lowercase letters or digits)"
    );
}

fn alice() -> Identity {
    Identity::new("alice").unwrap()
}

#[test]
fn builder_errors_say_what_to_do() {
    let e = AccessPolicy::builder()
        .video(VideoGrant::new())
        .build()
        .unwrap_err();
    assert_eq!(e, Error::MissingIdentity);
    assert!(e.to_string().contains("set one"), "{e}");

    let e = AccessPolicy::builder()
        .identity(alice())
        .chat(ChatGrant::new())
        .chat(ChatGrant::new())
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`chat` is granted twice; an Access Token has each grant at most once"
    );
    assert_eq!(e, Error::DuplicateGrant(GrantKind::Chat));

    let e = AccessPolicy::builder()
        .identity(Identity::new("alice.smith@example.com").unwrap())
        .voice(VoiceGrant::new().incoming())
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::InvalidVoiceIdentity(ClientNameError::InvalidChar {
            ch: '.',
            position: 6
        })
    );
    // The client-name rule and its message, as `ClientName` has them.
    let Error::InvalidClientName(name_error) =
        ClientName::new("alice.smith@example.com").unwrap_err()
    else {
        panic!()
    };
    assert!(e.to_string().ends_with(&name_error.to_string()), "{e}");

    let e = AccessPolicy::builder()
        .identity(Identity::new(&"a".repeat(122)).unwrap())
        .voice(VoiceGrant::new())
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::InvalidVoiceIdentity(ClientNameError::TooLong { len: 122 })
    );

    let e = AccessPolicy::builder()
        .identity(alice())
        .ttl(Duration::from_secs(86_401))
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "a TTL of 86401 s is not allowed; use from 1 s to 24 h (86400 s)"
    );

    let e = AccessPolicy::builder()
        .identity(alice())
        .video(VideoGrant::new().room(""))
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the room of the `video` grant is empty; give it at least one character, or leave it out"
    );

    let e = AccessPolicy::builder()
        .identity(alice())
        .not_before(1 << 53)
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "a not-before time of 9007199254740992 is too large; use Unix seconds up to 2^53-1"
    );

    let e = PlaybackGrant::from_json("[]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the `playback` grant must be the JSON object Twilio's PlaybackGrant API returns: it is \
         not a JSON object"
    );
    let e = PlaybackGrant::from_json(r#"{"a":}"#).unwrap_err();
    assert!(
        e.to_string().ends_with("expected value at line 1 column 6"),
        "{e}"
    );
}

#[test]
fn migration_errors_say_what_to_do() {
    let events = Policy::builder()
        .incoming(ClientName::new("alice").unwrap())
        .events([("Level", "error")])
        .build()
        .unwrap();
    let e = events.to_access_policy().unwrap_err();
    assert_eq!(e, Error::CannotMigrate(MigrationBlocker::Events));
    assert!(e.to_string().contains("drop `events`"), "{e}");
    let outgoing_only = Policy::builder()
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("a", "b")],
        )
        .build()
        .unwrap();
    let e = outgoing_only.to_access_policy().unwrap_err();
    assert_eq!(e, Error::CannotMigrate(MigrationBlocker::NoClientName));
    assert!(e.to_string().contains("needs an identity"), "{e}");
    // A capability token may carry more parameters than an Access Token.
    let many = Policy::builder()
        .incoming(ClientName::new("alice").unwrap())
        .outgoing(app(), params(MAX_OUTGOING_PARAMS + 1))
        .build()
        .unwrap();
    assert_eq!(
        many.to_access_policy().unwrap_err(),
        Error::TooManyParams {
            count: MAX_OUTGOING_PARAMS + 1,
            max: MAX_OUTGOING_PARAMS
        }
    );
}

fn app() -> AppSid {
    AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap()
}

fn params(n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("k{i}"), "v".to_owned())).collect()
}

#[test]
fn outgoing_parameters_are_limited() {
    let voice = |n: usize| {
        AccessPolicy::builder()
            .identity(alice())
            .voice(VoiceGrant::new().outgoing(app(), params(n)))
            .build()
    };
    let policy = voice(MAX_OUTGOING_PARAMS).unwrap();
    let key = ApiKey::new(ACCOUNT, KEY_SID, SECRET).unwrap();
    let verified = key
        .verify_at(policy.sign_at(&key, 1000).as_str(), 1001)
        .unwrap();
    assert_eq!(verified.grants(), policy.grants());
    let e = voice(MAX_OUTGOING_PARAMS + 1).unwrap_err();
    assert_eq!(
        e,
        Error::TooManyParams {
            count: 65,
            max: MAX_OUTGOING_PARAMS
        }
    );
    assert_eq!(
        e.to_string(),
        "the `voice` outgoing grant has 65 parameters, more than the 64 an Access Token may \
         carry; pass fewer, or one that the TwiML application looks the rest up with"
    );
}

#[test]
fn errors_are_std_errors() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    is_error(&Error::MissingIdentity);
    is_error(&IdentityError::Empty);
}

#[test]
fn tokens_hide_their_signature_in_debug() {
    let key = ApiKey::new(ACCOUNT, KEY_SID, SECRET).unwrap();
    let token = AccessPolicy::builder()
        .identity(alice())
        .build()
        .unwrap()
        .sign_at(&key, 1_700_000_000);
    let signature = token.as_str().rsplit_once('.').unwrap().1;
    let debug = format!("{token:?}");
    assert!(!debug.contains(signature), "{debug}");
    assert!(debug.contains("[redacted]"));
}
