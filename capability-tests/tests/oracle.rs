//! An independent oracle: the `jsonwebtoken` crate decodes and verifies the tokens we sign, and
//! we verify the tokens it signs. (A dev-dependency only.)

use std::time::Duration;

use capability::{AppSid, ClientName, Credentials, Policy};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const SECRET: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    scope: String,
    iss: String,
    exp: u64,
}

fn app() -> AppSid {
    AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap()
}

fn policies() -> Vec<Policy> {
    let alice = ClientName::new("Alice").unwrap();
    let awkward = [
        ("with space", "a b"),
        ("amp&eq=", "x&clientName=Mallory"),
        ("plus+pct%", "100%+1"),
        ("tilde~star*slash/", "~*/"),
        ("quotes\"'", "\"quoted\" 'single'"),
        ("emoji😀", "né 日本 😀"),
        ("empty", ""),
        ("newline", "a\nb\r\t"),
    ];
    vec![
        Policy::builder().incoming(alice.clone()).build().unwrap(),
        Policy::builder()
            .outgoing(app(), Vec::<(String, String)>::new())
            .build()
            .unwrap(),
        Policy::builder().outgoing(app(), awkward).build().unwrap(),
        Policy::builder()
            .events([("CallSid", "CA123")])
            .build()
            .unwrap(),
        Policy::builder().events(awkward).build().unwrap(),
        Policy::builder()
            .events([] as [(&str, &str); 0])
            .outgoing(app(), [("Foo", "Bar")])
            .incoming(alice)
            .ttl(Duration::from_secs(60))
            .build()
            .unwrap(),
    ]
}

#[test]
fn jsonwebtoken_verifies_our_tokens() {
    let credentials = Credentials::new(ACCOUNT, SECRET).unwrap();
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ACCOUNT]);
    validation.set_required_spec_claims(&["exp", "iss"]);

    for policy in policies() {
        // Signed now, so that jsonwebtoken checks `exp` against its own clock.
        let token = policy.sign(&credentials).unwrap();
        let data = jsonwebtoken::decode::<Claims>(token.as_str(), &key, &validation)
            .unwrap_or_else(|e| panic!("jsonwebtoken rejected {token}: {e}"));
        assert_eq!(data.header.alg, Algorithm::HS256);
        assert_eq!(data.header.typ.as_deref(), Some("JWT"));
        assert_eq!(data.claims.scope, policy.scope());
        assert_eq!(data.claims.iss, ACCOUNT);
        assert_eq!(data.claims.exp, token.expires_at());
    }
}

#[test]
fn jsonwebtoken_rejects_our_tokens_under_another_key() {
    let credentials = Credentials::new(ACCOUNT, "another secret").unwrap();
    let token = policies()[0].sign(&credentials).unwrap();
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    let err =
        jsonwebtoken::decode::<Claims>(token.as_str(), &key, &Validation::new(Algorithm::HS256))
            .unwrap_err();
    assert_eq!(
        *err.kind(),
        jsonwebtoken::errors::ErrorKind::InvalidSignature
    );
}

#[test]
fn we_verify_jsonwebtokens_tokens() {
    let credentials = Credentials::new(ACCOUNT, SECRET).unwrap();
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    for policy in policies() {
        let claims = Claims {
            scope: policy.scope().to_owned(),
            iss: ACCOUNT.to_owned(),
            exp: 1_700_000_600,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
        let verified = credentials.verify_at(&token, 1_700_000_000).unwrap();
        assert_eq!(verified.grants(), policy.grants());
        assert_eq!(verified.expires_at(), 1_700_000_600);
    }
}

#[test]
fn jsonwebtokens_other_algorithms_are_refused() {
    let credentials = Credentials::new(ACCOUNT, SECRET).unwrap();
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let claims = Claims {
        scope: policies()[0].scope().to_owned(),
        iss: ACCOUNT.to_owned(),
        exp: 1_700_000_600,
    };
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let token = jsonwebtoken::encode(&Header::new(alg), &claims, &key).unwrap();
        assert!(matches!(
            credentials.verify_at(&token, 1_700_000_000),
            Err(capability::Error::UnsupportedAlgorithm { alg }) if alg.starts_with("HS")
        ));
    }
}
