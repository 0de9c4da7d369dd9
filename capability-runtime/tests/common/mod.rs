//! Tokens crafted by hand for the tests: any header and payload, validly signed with `SECRET`, so
//! that a test reaches the check that comes after the signature. `access` builds Access Token
//! policies from the vectors' inputs; `ordered` reads JSON keeping the order of members.
#![allow(dead_code)] // each test crate uses a part

pub mod access;
pub mod ordered;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The auth token of the reference vectors.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";
/// The account of the reference vectors.
pub const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// Unpadded base64url.
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url.
pub fn b64_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// `header.payload.` and a valid HMAC-SHA256 of exactly these segment texts, whatever they
/// contain: the segments are signed as given, not re-encoded.
pub fn sign_segments(header: &str, payload: &str) -> String {
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", b64(mac.finalize().into_bytes()))
}

/// A validly signed token of these exact JSON texts.
pub fn sign_json(header: &str, payload: &str) -> String {
    sign_segments(&b64(header), &b64(payload))
}

/// How many values the JSON text `json` holds besides itself: members of objects and elements of
/// arrays, at any depth (what `MAX_VALUES` limits).
pub fn values_in(json: &str) -> usize {
    fn count(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Object(members) => members.values().map(|v| 1 + count(v)).sum(),
            serde_json::Value::Array(elements) => elements.iter().map(|v| 1 + count(v)).sum(),
            _ => 0,
        }
    }
    count(&serde_json::from_str(json).unwrap())
}

/// `object` (a JSON object's text) with one more member, an array of zeros, so that it holds
/// `total` values.
pub fn holding_values(object: &str, total: usize) -> String {
    let zeros = vec!["0"; total - values_in(object) - 1].join(",");
    let padded = format!(r#"{},"pad":[{zeros}]}}"#, &object[..object.len() - 1]);
    assert_eq!(values_in(&padded), total);
    padded
}

/// The errors among an inspection's problems: what a verifier would refuse the token for.
fn refusals(inspection: &capability_runtime::Inspection) -> Vec<&capability_runtime::Error> {
    inspection
        .problems()
        .iter()
        .filter_map(|p| match p {
            capability_runtime::Problem::Refused(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Whether the refusals of an inspection hold only what a leeway of `leeway` forgives.
fn forgiven(refusals: &[&capability_runtime::Error], leeway: std::time::Duration) -> bool {
    use capability_runtime::Error;
    refusals.iter().all(|e| {
        !leeway.is_zero() && matches!(e, Error::Expired { .. } | Error::NotYetValid { .. })
    })
}

/// How `Credentials::verify_at` and `inspect_at` disagree on `token` at `now`, if they do. What
/// the verifier accepts, `inspect_at` reads as a capability token granting the same, with the
/// same times, and refuses for nothing (but what the leeway forgives); what the verifier refuses
/// for a reason that needs no key, `inspect_at` refuses too, or calls the token an Access Token.
pub fn capability_disagreement(
    credentials: &capability_runtime::Credentials,
    token: &str,
    now: u64,
) -> Option<String> {
    use capability_runtime::{inspect_at, Error, Malformed, TokenKind, TokenPart};
    let verdict = credentials.verify_at(token, now);
    let inspection = inspect_at(token, now);
    match (&verdict, &inspection) {
        (Ok(v), Ok(i)) => {
            let same = i.kind() == TokenKind::Capability
                && i.grants() == Some(v.grants())
                && i.expires_at() == Some(v.expires_at())
                && i.not_before() == v.not_before()
                && i.issued_at() == v.issued_at()
                && forgiven(&refusals(i), credentials.leeway());
            (!same).then(|| format!("accepted as {v:?}, inspected as {i:?}"))
        }
        (Ok(v), Err(e)) => Some(format!("accepted as {v:?}, not inspected: {e:?}")),
        (
            Err(
                Error::BadSignature
                | Error::WrongIssuer { .. }
                | Error::Malformed(Malformed::Base64(TokenPart::Signature)),
            ),
            _,
        )
        | (Err(_), Err(_)) => None,
        (Err(e), Ok(i)) => {
            let agreed = i.kind() != TokenKind::Capability && i.kind() != TokenKind::Other
                || refusals(i).contains(&e);
            (!agreed).then(|| format!("refused for {e:?}, inspected as {i:?}"))
        }
    }
}

/// The same for `ApiKey::verify_at` and Access Tokens: what the verifier accepts, `inspect_at`
/// reads as an Access Token with the same identity, grants, region and times, and refuses for
/// nothing (but what the leeway forgives); what the verifier refuses for a reason that needs no
/// key, `inspect_at` refuses too, or calls the token another kind.
pub fn access_disagreement(
    key: &capability_runtime::ApiKey,
    token: &str,
    now: u64,
) -> Option<String> {
    use capability_runtime::{inspect_at, Error, Malformed, TokenKind, TokenPart};
    let verdict = key.verify_at(token, now);
    let inspection = inspect_at(token, now);
    match (&verdict, &inspection) {
        (Ok(v), Ok(i)) => {
            let same = i.kind() == TokenKind::Access
                && i.identity() == v.identity()
                && i.access_grants() == Some(v.grants())
                && i.region() == v.region()
                && i.expires_at() == Some(v.expires_at())
                && i.not_before() == v.not_before()
                && i.issued_at() == v.issued_at()
                && forgiven(&refusals(i), key.leeway());
            (!same).then(|| format!("accepted as {v:?}, inspected as {i:?}"))
        }
        (Ok(v), Err(e)) => Some(format!("accepted as {v:?}, not inspected: {e:?}")),
        (
            Err(
                Error::BadSignature
                | Error::WrongApiKey { .. }
                | Error::WrongAccount { .. }
                | Error::Malformed(Malformed::Base64(TokenPart::Signature)),
            ),
            _,
        )
        | (Err(_), Err(_)) => None,
        (Err(e), Ok(i)) => {
            let agreed = i.kind() != TokenKind::Access || refusals(i).contains(&e);
            (!agreed).then(|| format!("refused for {e:?}, inspected as {i:?}"))
        }
    }
}
