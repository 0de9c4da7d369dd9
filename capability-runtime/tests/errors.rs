//! Every validation and verification error, each asserted precisely, and the promise that no
//! error or `Debug` output shows the auth token.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability_runtime::{
    AccountSid, AppSid, ClientName, ClientNameError, Credentials, Error, Malformed, Policy,
    ScopeKind, SidKind, SidProblem, TokenPart, MAX_TOKEN_LEN,
};
use common::{sign_json, sign_segments, ACCOUNT, SECRET};

const NOW: u64 = 1_700_000_000;
const PHP_HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

fn credentials() -> Credentials {
    Credentials::new(ACCOUNT, SECRET).unwrap()
}

fn payload(scope: &str, rest: &str) -> String {
    format!(r#"{{"scope":"{scope}","iss":"{ACCOUNT}"{rest}}}"#)
}

fn verify(token: &str) -> Error {
    credentials().verify_at(token, NOW).unwrap_err()
}

fn incoming() -> String {
    payload(
        "scope:client:incoming?clientName=Alice",
        r#","exp":1700003600"#,
    )
}

#[test]
fn the_crafting_helper_makes_valid_tokens() {
    // Guards every test below: only the part each one changes makes it fail.
    let verified = credentials()
        .verify_at(&sign_json(PHP_HEADER, &incoming()), NOW)
        .unwrap();
    assert_eq!(verified.grants().incoming().unwrap(), "Alice");
}

// --- Validation -------------------------------------------------------------------------------

fn sid_problem(e: Error) -> (SidKind, SidProblem) {
    match e {
        Error::InvalidSid(e) => (e.expected(), e.problem().clone()),
        other => panic!("expected InvalidSid, got {other:?}"),
    }
}

#[test]
fn app_sid_errors() {
    let app = |s: &str| sid_problem(AppSid::new(s).unwrap_err());
    assert_eq!(app(""), (SidKind::Application, SidProblem::Empty));
    assert_eq!(
        app("AP123"),
        (SidKind::Application, SidProblem::WrongLength { len: 5 })
    );
    assert_eq!(
        app("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        (
            SidKind::Application,
            SidProblem::WrongKind {
                found: SidKind::Account
            }
        )
    );
    assert_eq!(
        app("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        (
            SidKind::Application,
            SidProblem::WrongKind {
                found: SidKind::Call
            }
        )
    );
    assert_eq!(
        app("ZZaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        (SidKind::Application, SidProblem::WrongPrefix)
    );
    assert_eq!(
        app("APaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-"),
        (
            SidKind::Application,
            SidProblem::InvalidChar {
                ch: '-',
                position: 34
            }
        )
    );
    assert_eq!(
        AppSid::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap_err().to_string(),
        "`ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` is an Account SID; an Application SID starts with `AP`"
    );
    assert_eq!(
        AppSid::new("AP123").unwrap_err().to_string(),
        "Application SID `AP123` has 5 characters; it must be `AP` followed by exactly 32 \
         hexadecimal digits (34 characters)"
    );
}

#[test]
fn account_sid_errors() {
    assert_eq!(
        sid_problem(AccountSid::new("APaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap_err()),
        (
            SidKind::Account,
            SidProblem::WrongKind {
                found: SidKind::Application
            }
        )
    );
    assert_eq!(
        sid_problem(Credentials::new("AC123", SECRET).unwrap_err()),
        (SidKind::Account, SidProblem::WrongLength { len: 5 })
    );
    assert_eq!(
        sid_problem(
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaz"
                .parse::<AccountSid>()
                .unwrap_err()
        ),
        (
            SidKind::Account,
            SidProblem::InvalidChar {
                ch: 'z',
                position: 34
            }
        )
    );
}

#[test]
fn client_name_errors() {
    let name = |s: &str| match ClientName::new(s).unwrap_err() {
        Error::InvalidClientName(e) => e,
        other => panic!("expected InvalidClientName, got {other:?}"),
    };
    assert_eq!(name(""), ClientNameError::Empty);
    assert_eq!(
        name(&"a".repeat(122)),
        ClientNameError::TooLong { len: 122 }
    );
    assert_eq!(
        name("alice-smith"),
        ClientNameError::InvalidChar {
            ch: '-',
            position: 6
        }
    );
    assert_eq!(
        ClientName::new("Alice Smith").unwrap_err().to_string(),
        "character 6 (` `) is not allowed in a client name; use letters, digits or `_`"
    );
}

#[test]
fn empty_auth_token() {
    assert_eq!(
        Credentials::new(ACCOUNT, "").unwrap_err(),
        Error::EmptyAuthToken
    );
}

#[test]
fn policy_errors() {
    let alice = || ClientName::new("Alice").unwrap();
    let app = || AppSid::new("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").unwrap();
    assert_eq!(Policy::builder().build().unwrap_err(), Error::EmptyPolicy);
    assert_eq!(
        Policy::builder()
            .ttl(Duration::from_secs(60))
            .build()
            .unwrap_err(),
        Error::EmptyPolicy
    );
    assert_eq!(
        Policy::builder()
            .events([("a", "b")])
            .incoming(alice())
            .events([("c", "d")])
            .build()
            .unwrap_err(),
        Error::DuplicateScope(ScopeKind::Events)
    );
    assert_eq!(
        Policy::builder()
            .outgoing(app(), [("a", "b")])
            .outgoing(app(), [("c", "d")])
            .build()
            .unwrap_err(),
        Error::DuplicateScope(ScopeKind::Outgoing)
    );
    for ttl in [
        Duration::ZERO,
        Duration::from_millis(500),
        Duration::from_millis(1500),
        Duration::from_secs(86_401),
    ] {
        assert_eq!(
            Policy::builder()
                .incoming(alice())
                .ttl(ttl)
                .build()
                .unwrap_err(),
            Error::InvalidTtl(ttl)
        );
    }
    assert_eq!(
        Policy::builder()
            .outgoing(app(), [("Foo", "Bar"), ("", "x")])
            .build()
            .unwrap_err(),
        Error::EmptyParamKey(ScopeKind::Outgoing)
    );
    assert_eq!(
        Policy::builder().events([("", "")]).build().unwrap_err(),
        Error::EmptyParamKey(ScopeKind::Events)
    );
}

#[test]
fn empty_parameter_lists_are_accepted() {
    let app = AppSid::new("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").unwrap();
    let empty_array: [(&str, &str); 0] = [];
    let p = Policy::builder()
        .outgoing(app, empty_array)
        .events(Vec::<(String, String)>::new())
        .build()
        .unwrap();
    assert!(p.grants().outgoing().unwrap().params().is_empty());
    assert!(p.grants().events().unwrap().filters().is_empty());
}

// --- Verification -----------------------------------------------------------------------------

#[test]
fn too_large_is_rejected_before_decoding() {
    let garbage = "!".repeat(MAX_TOKEN_LEN + 1);
    assert_eq!(
        verify(&garbage),
        Error::TokenTooLarge {
            len: MAX_TOKEN_LEN + 1,
            max: MAX_TOKEN_LEN
        }
    );
    // At the limit, the same garbage is looked at (and found malformed).
    assert!(matches!(verify(&garbage[1..]), Error::Malformed(_)));
}

#[test]
fn malformed_segments() {
    let token = sign_json(PHP_HEADER, &incoming());
    assert_eq!(
        verify(""),
        Error::Malformed(Malformed::Segments { found: 1 })
    );
    assert_eq!(
        verify("a.b"),
        Error::Malformed(Malformed::Segments { found: 2 })
    );
    assert_eq!(
        verify(&format!("{token}.x")),
        Error::Malformed(Malformed::Segments { found: 4 })
    );
}

#[test]
fn malformed_base64() {
    let header = URL_SAFE_NO_PAD.encode(PHP_HEADER);
    let payload = URL_SAFE_NO_PAD.encode(incoming());
    let base64 = |part| Error::Malformed(Malformed::Base64(part));
    // Padding, the standard alphabet and stray characters, each correctly signed.
    assert_eq!(
        verify(&sign_segments(&format!("{header}="), &payload)),
        base64(TokenPart::Header)
    );
    assert_eq!(
        verify(&sign_segments(
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9x*",
            &payload
        )),
        base64(TokenPart::Header)
    );
    assert_eq!(
        verify(&sign_segments(&header, &format!("{payload}=="))),
        base64(TokenPart::Payload)
    );
    let slash = format!("{}/{}", &payload[..4], &payload[4..]);
    assert_eq!(
        verify(&sign_segments(&header, &slash)),
        base64(TokenPart::Payload)
    );
    // A signature in the standard alphabet.
    let token = sign_json(PHP_HEADER, &incoming());
    let (unsigned, signature) = token.rsplit_once('.').unwrap();
    let standard = signature.replace('-', "+").replace('_', "/");
    let standard = if standard == signature {
        format!("{}+", &signature[..42])
    } else {
        standard
    };
    assert_eq!(
        verify(&format!("{unsigned}.{standard}")),
        base64(TokenPart::Signature)
    );
}

#[test]
fn malformed_json() {
    for (header, payload, part) in [
        ("{\"alg\":\"HS256\"", incoming(), TokenPart::Header),
        ("[\"HS256\"]", incoming(), TokenPart::Header),
        (PHP_HEADER, "not json".to_owned(), TokenPart::Payload),
        (
            PHP_HEADER,
            format!("{} trailing", incoming()),
            TokenPart::Payload,
        ),
        (PHP_HEADER, "\"a string\"".to_owned(), TokenPart::Payload),
    ] {
        match verify(&sign_json(header, &payload)) {
            Error::Malformed(Malformed::Json { part: p, .. }) => {
                assert_eq!(p, part, "{header} {payload}")
            }
            other => panic!("{header} {payload}: {other:?}"),
        }
    }
}

#[test]
fn duplicate_keys() {
    assert_eq!(
        verify(&sign_json(r#"{"alg":"HS256","alg":"none"}"#, &incoming())),
        Error::Malformed(Malformed::DuplicateKey {
            part: TokenPart::Header,
            key: "alg".into()
        })
    );
    assert_eq!(
        verify(&sign_json(
            PHP_HEADER,
            &payload("", r#","exp":1700003600,"exp":1"#)
        )),
        Error::Malformed(Malformed::DuplicateKey {
            part: TokenPart::Payload,
            key: "exp".into()
        })
    );
}

#[test]
fn unsupported_algorithms() {
    for alg in ["none", "None", "HS512", "RS256", "hs256", ""] {
        assert_eq!(
            verify(&sign_json(
                &format!(r#"{{"typ":"JWT","alg":"{alg}"}}"#),
                &incoming()
            )),
            Error::UnsupportedAlgorithm { alg: alg.into() }
        );
    }
    // `none` with an empty signature, the classic forgery.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(incoming())
    );
    assert_eq!(
        verify(&none),
        Error::UnsupportedAlgorithm { alg: "none".into() }
    );
}

#[test]
fn critical_header() {
    assert_eq!(
        verify(&sign_json(r#"{"alg":"HS256","crit":["exp"]}"#, &incoming())),
        Error::CriticalHeader
    );
}

#[test]
fn bad_signature() {
    let token = sign_json(PHP_HEADER, &incoming());
    let other = Credentials::new(ACCOUNT, "another auth token").unwrap();
    assert_eq!(
        other.verify_at(&token, NOW).unwrap_err(),
        Error::BadSignature
    );
    // A payload changed after signing.
    let (header, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let forged = payload(
        "scope:client:incoming?clientName=Mallory",
        r#","exp":1700003600"#,
    );
    assert_eq!(
        verify(&format!(
            "{header}.{}.{signature}",
            URL_SAFE_NO_PAD.encode(forged)
        )),
        Error::BadSignature
    );
    // A signature cut to 40 characters (30 bytes, canonical base64) or extended to 48 bytes.
    assert_eq!(verify(&token[..token.len() - 3]), Error::BadSignature);
    assert_eq!(
        verify(&format!("{token}AAAAAAAAAAAAAAAAAAAAA")),
        Error::BadSignature
    );
}

#[test]
fn expired_and_not_yet_valid() {
    let token = sign_json(
        PHP_HEADER,
        &payload("", r#","exp":1700003600,"nbf":1700000000"#),
    );
    let c = credentials();
    assert!(c.verify_at(&token, 1_700_003_599).is_ok());
    assert_eq!(
        c.verify_at(&token, 1_700_003_600).unwrap_err(),
        Error::Expired {
            expired_at: 1_700_003_600,
            now: 1_700_003_600
        }
    );
    assert_eq!(
        c.verify_at(&token, 1_699_999_999).unwrap_err(),
        Error::NotYetValid {
            not_before: 1_700_000_000,
            now: 1_699_999_999
        }
    );
    // Leeway widens both ends, by exactly its amount.
    let lenient = credentials().with_leeway(Duration::from_secs(10));
    assert!(lenient.verify_at(&token, 1_700_003_609).is_ok());
    assert!(matches!(
        lenient.verify_at(&token, 1_700_003_610),
        Err(Error::Expired { .. })
    ));
    assert!(lenient.verify_at(&token, 1_699_999_990).is_ok());
    assert!(matches!(
        lenient.verify_at(&token, 1_699_999_989),
        Err(Error::NotYetValid { .. })
    ));
}

#[test]
fn wrong_issuer() {
    let token = sign_json(
        PHP_HEADER,
        r#"{"scope":"","iss":"ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","exp":1700003600}"#,
    );
    assert_eq!(
        verify(&token),
        Error::WrongIssuer {
            found: "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".into(),
            expected: ACCOUNT.into()
        }
    );
}

#[test]
fn missing_claims() {
    assert_eq!(
        verify(&sign_json(PHP_HEADER, &payload("", ""))),
        Error::MissingClaim("exp")
    );
    assert_eq!(
        verify(&sign_json(
            PHP_HEADER,
            &format!(r#"{{"iss":"{ACCOUNT}","exp":1700003600}}"#)
        )),
        Error::MissingClaim("scope")
    );
    assert_eq!(
        verify(&sign_json(PHP_HEADER, r#"{"scope":"","exp":1700003600}"#)),
        Error::MissingClaim("iss")
    );
}

#[test]
fn claims_of_the_wrong_type() {
    for (rest, claim, found) in [
        (r#","exp":"1700003600""#, "exp", "a string"),
        (
            r#","exp":1700003600.0"#,
            "exp",
            "a number with a fraction or an exponent",
        ),
        (
            r#","exp":9007199254740992"#,
            "exp",
            "an integer beyond 2^53-1",
        ),
        (r#","exp":-1"#, "exp", "a negative number"),
        (r#","exp":null"#, "exp", "null"),
        (r#","exp":1700003600,"nbf":"0""#, "nbf", "a string"),
        (
            r#","exp":1700003600,"nbf":1.5"#,
            "nbf",
            "a number with a fraction or an exponent",
        ),
        (r#","exp":1700003600,"iat":true"#, "iat", "a boolean"),
    ] {
        assert_eq!(
            verify(&sign_json(PHP_HEADER, &payload("", rest))),
            Error::InvalidClaim { claim, found },
            "{rest}"
        );
    }
    assert_eq!(
        verify(&sign_json(
            PHP_HEADER,
            &format!(r#"{{"scope":[],"iss":"{ACCOUNT}","exp":1700003600}}"#)
        )),
        Error::InvalidClaim {
            claim: "scope",
            found: "an array"
        }
    );
}

#[test]
fn invalid_scopes() {
    for scope in [
        "scope:client:incoming",
        "scope:client:incoming?clientName=al-ice",
        "scope:client:incoming?clientName=A scope:client:incoming?clientName=B",
        "scope:client:outgoing?appSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "scope:client:outgoing?appParams=a%3Db",
        "scope:stream:subscribe?path=%2F2010-04-01%2FCalls",
        "scope:client:incoming?clientName=A  scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    ] {
        let err = verify(&sign_json(PHP_HEADER, &payload(scope, r#","exp":1700003600"#)));
        assert!(matches!(err, Error::InvalidScope { .. }), "{scope}: {err:?}");
    }
}

#[test]
fn unknown_scopes_are_kept() {
    let scope = "scope:client:incoming?clientName=Alice scope:video:join?room=x";
    let verified = credentials()
        .verify_at(
            &sign_json(PHP_HEADER, &payload(scope, r#","exp":1700003600"#)),
            NOW,
        )
        .unwrap();
    assert_eq!(verified.grants().incoming().unwrap(), "Alice");
    assert_eq!(
        verified.grants().other_scopes(),
        ["scope:video:join?room=x"]
    );
}

#[test]
fn clock_is_used_by_sign_and_verify() {
    let c = credentials();
    let token = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .build()
        .unwrap()
        .sign(&c)
        .unwrap();
    assert!(c.verify(token.as_str()).is_ok());
}

// --- Secrets ----------------------------------------------------------------------------------

#[test]
fn the_auth_token_never_shows() {
    let c = credentials();
    let debug = format!("{c:?} {:#?}", c.clone());
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains("[redacted]"));
    let token = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .build()
        .unwrap()
        .sign_at(&c, NOW);
    // A token's Debug leaves out its signature: a logged token cannot be replayed.
    let signature = token.as_str().rsplit_once('.').unwrap().1;
    assert!(!format!("{token:?}").contains(signature));
    // Errors of calls that were given the auth token.
    let signed_with_secret = token.as_str().to_owned();
    for err in [
        Credentials::new("AC123", SECRET).unwrap_err(),
        Credentials::new("", SECRET).unwrap_err(),
        credentials()
            .verify_at(&signed_with_secret.replace('.', "!"), NOW)
            .unwrap_err(),
        credentials()
            .verify_at(token.as_str(), NOW + 10 * 86_400)
            .unwrap_err(),
    ] {
        assert!(!err.to_string().contains(SECRET) && !format!("{err:?}").contains(SECRET));
    }
}

#[test]
fn a_secret_passed_where_a_sid_belongs_never_shows() {
    // The arguments swapped, or a secret pasted into the wrong variable: the error says what
    // is wrong without quoting the text or naming any of its characters.
    for secret in [
        SECRET,
        "0123456789ABCDEF0123456789ABCDEF",
        "AC3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b",
        "Zx8Qp2Lm9Tr4Vn6Bc1Wd3Yf5Gh7Jk0Sa",
        "my auth token",
        "ACé secret with spaces",
        // Shaped like an Account SID but for one character, or of another kind: still never
        // quoted, as `ApiKey::new` never quotes its SIDs.
        "AC0123456789abcdef0123456789abcdeX",
        "AC0123456789abcdef0123456789abcdef0",
        "SK0123456789abcdef0123456789abcdef",
    ] {
        let err = Credentials::new(secret, ACCOUNT).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(secret), "{shown}");
        let Error::InvalidSid(sid) = &err else {
            panic!("{err:?}")
        };
        assert!(!sid.input().contains(secret), "{}", sid.input());
        assert!(
            !matches!(
                sid.problem(),
                capability_runtime::SidProblem::InvalidChar { .. }
            ),
            "{:?}",
            sid.problem()
        );
        assert!(
            err.to_string().contains("check the order of the arguments"),
            "{err}"
        );
        assert!(AppSid::new(secret).unwrap_err().to_string().len() < 200);
    }
    // Text that plainly is not a secret is quoted, to help.
    let err = AppSid::new("AP123").unwrap_err().to_string();
    assert!(err.contains("`AP123`"), "{err}");
    let err = AppSid::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` is an Account SID"),
        "{err}"
    );
}

#[test]
fn another_kind_is_named_only_for_text_of_its_shape() {
    for text in ["REPLACE_ME", "ISxxx", "CA123", "RE", "SMS_SID"] {
        let err = AppSid::new(text).unwrap_err().to_string();
        assert!(!err.contains(" SID;"), "{text}: {err}");
        assert!(err.contains("is not an Application SID"), "{text}: {err}");
    }
    let err = AppSid::new("RE0123456789abcdef0123456789abcdef")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is a Recording SID; an Application SID starts with `AP`"),
        "{err}"
    );
}

#[test]
fn errors_are_std_errors_with_messages() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    let err = verify("a.b");
    is_error(&err);
    assert_eq!(
        err.to_string(),
        "a token is three base64url segments separated by `.`, this one has 2"
    );
}

/// An identity that is no client name converts with the client-name rule's own error.
#[test]
fn an_identity_converts_to_a_client_name_with_its_rule() {
    use capability_runtime::Identity;
    let identity = Identity::from_static("a-b");
    let expected = ClientName::new("a-b").unwrap_err();
    assert_eq!(ClientName::try_from(&identity).unwrap_err(), expected);
    assert_eq!(ClientName::try_from(identity).unwrap_err(), expected);
    let identity = Identity::new("Alice_1").unwrap();
    assert_eq!(ClientName::try_from(&identity).unwrap(), "Alice_1");
}
