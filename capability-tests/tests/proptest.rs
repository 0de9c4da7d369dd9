//! Property tests: random valid policies round-trip; altered tokens never verify; random text
//! never panics the verifier or the constructors.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{
    AccountSid, AppSid, ClientName, Credentials, Error, Policy, MAX_CLIENT_NAME_LEN, MAX_EXP,
};
use capability::{Malformed, TokenPart};
use common::{sign_segments, SECRET};
use proptest::prelude::*;
use proptest::sample::subsequence;

const MAX_TTL_SECS: u64 = 86_400;

fn creds(account: &str) -> Credentials {
    Credentials::new(account, SECRET).unwrap()
}

fn client_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_]{1,121}"
}

fn sid(prefix: &'static str) -> impl Strategy<Value = String> {
    "[0-9a-fA-F]{32}".prop_map(move |hex| format!("{prefix}{hex}"))
}

/// Any Unicode, non-empty keys; values may be empty.
fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("(?s).{1,16}", any::<String>()), 0..4)
}

#[derive(Clone, Debug)]
enum Grant {
    Incoming(String),
    Outgoing(String, Vec<(String, String)>),
    Events(Vec<(String, String)>),
}

/// A valid policy's parts: a non-empty subset of the three scopes, in any order, and a TTL.
fn policy_parts() -> impl Strategy<Value = (Vec<Grant>, u64)> {
    let grants = (client_name(), sid("AP"), params(), params()).prop_flat_map(
        |(name, app, out_params, filters)| {
            let all = vec![
                Grant::Incoming(name),
                Grant::Outgoing(app, out_params),
                Grant::Events(filters),
            ];
            subsequence(all, 1..=3).prop_shuffle()
        },
    );
    (grants, 1..=MAX_TTL_SECS)
}

fn build(grants: &[Grant], ttl: u64) -> Policy {
    let mut builder = Policy::builder().ttl(Duration::from_secs(ttl));
    for grant in grants {
        builder = match grant {
            Grant::Incoming(name) => builder.incoming(ClientName::new(name).unwrap()),
            Grant::Outgoing(app, params) => {
                builder.outgoing(AppSid::new(app).unwrap(), params.clone())
            }
            Grant::Events(filters) => builder.events(filters.clone()),
        };
    }
    builder.build().unwrap()
}

/// A token to mutate: random policy, account and time.
fn signed() -> impl Strategy<Value = (Credentials, String, u64)> {
    (policy_parts(), sid("AC"), 0..MAX_EXP - MAX_TTL_SECS).prop_map(
        |((grants, ttl), account, t)| {
            let credentials = creds(&account);
            let token = build(&grants, ttl).sign_at(&credentials, t).into_string();
            (credentials, token, t)
        },
    )
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Spellings of the same or nearly the same bytes that are not canonical unpadded base64url:
/// a character outside the alphabet at `index`, padding, and non-zero unused trailing bits.
fn non_canonical(canonical: &str, index: usize, bad: char) -> Vec<String> {
    let mut variants = Vec::new();
    let mut replaced = canonical.to_owned();
    let i = index % canonical.len();
    replaced.replace_range(i..i + 1, bad.encode_utf8(&mut [0; 4]));
    variants.push(replaced);
    let padding = (4 - canonical.len() % 4) % 4;
    if padding > 0 {
        variants.push(format!("{canonical}{}", "=".repeat(padding)));
        let last = canonical.as_bytes()[canonical.len() - 1];
        let value = BASE64URL.iter().position(|&c| c == last).unwrap();
        // 2 leftover characters carry 4 unused bits, 3 carry 2.
        let unused = if canonical.len() % 4 == 2 {
            0b1111
        } else {
            0b11
        };
        assert_eq!(value & unused, 0, "canonical text has zero trailing bits");
        let mut tweaked = canonical[..canonical.len() - 1].to_owned();
        tweaked.push(char::from(BASE64URL[value | 1]));
        variants.push(tweaked);
    }
    variants.push(format!("{canonical}===="));
    variants
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The verifier's base64 (SIMD where the CPU has it) accepts only canonical unpadded
    /// base64url, at any length and position: each variant is validly signed, so only the
    /// decoder can refuse it.
    #[test]
    fn only_canonical_base64url_decodes(
        pad in "[ -~]{0,600}",
        index in any::<usize>(),
        bad in prop::sample::select(vec!['+', '/', '=', ' ', '\n', '.', '*', '\u{0}', 'é', '%']),
    ) {
        let account = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let credentials = creds(account);
        let claims = format!(
            r#"{{"scope":"","iss":"{account}","exp":2000000000,"pad":{}}}"#,
            serde_json::to_string(&pad).unwrap()
        );
        let header = format!(r#"{{"alg":"HS256","pad":{}}}"#, serde_json::to_string(&pad).unwrap());
        let (header, claims) = (URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
        prop_assert!(credentials.verify_at(&sign_segments(&header, &claims), 1).is_ok());
        // A `.` splits the segment: a fourth segment, refused as such.
        let expected = |variant: &str, part| match variant.contains('.') {
            true => Error::Malformed(Malformed::Segments { found: 4 }),
            false => Error::Malformed(Malformed::Base64(part)),
        };
        for variant in non_canonical(&claims, index, bad) {
            let result = credentials.verify_at(&sign_segments(&header, &variant), 1);
            prop_assert_eq!(result.unwrap_err(), expected(&variant, TokenPart::Payload), "{}", variant);
        }
        for variant in non_canonical(&header, index, bad) {
            let result = credentials.verify_at(&sign_segments(&variant, &claims), 1);
            prop_assert_eq!(result.unwrap_err(), expected(&variant, TokenPart::Header), "{}", variant);
        }
    }

    /// Any valid policy signs and verifies back to equal grants, expiring at `t + ttl`.
    #[test]
    fn valid_policies_round_trip(
        (grants, ttl) in policy_parts(),
        account in sid("AC"),
        t in 0..MAX_EXP - MAX_TTL_SECS,
    ) {
        let credentials = creds(&account);
        let policy = build(&grants, ttl);
        let token = policy.sign_at(&credentials, t);
        prop_assert_eq!(token.expires_at(), t + ttl);
        let verified = credentials.verify_at(token.as_str(), t).unwrap();
        prop_assert_eq!(verified.grants(), policy.grants());
        prop_assert_eq!(verified.expires_at(), t + ttl);
        prop_assert_eq!(verified.account_sid().as_str(), account.as_str());
        prop_assert!(verified.grants().other_scopes().is_empty());
        // Valid until the second before `exp`, not at it.
        prop_assert!(credentials.verify_at(token.as_str(), t + ttl - 1).is_ok());
        let expired = matches!(
            credentials.verify_at(token.as_str(), t + ttl),
            Err(Error::Expired { .. })
        );
        prop_assert!(expired);
    }

    /// Any single byte replaced by any other byte: never verifies.
    #[test]
    fn a_changed_byte_never_verifies(
        (credentials, token, t) in signed(),
        index in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = token.clone().into_bytes();
        let i = index.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        let altered = String::from_utf8_lossy(&bytes);
        prop_assert_ne!(&*altered, token.as_str());
        let result = credentials.verify_at(&altered, t);
        prop_assert!(result.is_err(), "accepted {}", altered);
    }

    /// Truncated anywhere: never verifies.
    #[test]
    fn a_truncated_token_never_verifies((credentials, token, t) in signed(), index in any::<prop::sample::Index>()) {
        let cut = &token[..index.index(token.len())];
        prop_assert!(credentials.verify_at(cut, t).is_err(), "accepted {}", cut);
    }

    /// Anything appended: never verifies.
    #[test]
    fn an_extended_token_never_verifies(
        (credentials, token, t) in signed(),
        tail in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let mut bytes = token.into_bytes();
        bytes.extend_from_slice(&tail);
        let extended = String::from_utf8_lossy(&bytes);
        prop_assert!(credentials.verify_at(&extended, t).is_err(), "accepted {}", extended);
    }

    /// Random text, and random text shaped like a JWT, never panics the verifier, at any time,
    /// with any leeway, and is never accepted.
    #[test]
    fn random_text_never_verifies_nor_panics(
        text in prop_oneof![
            any::<String>(),
            "[A-Za-z0-9_=+/.-]{0,300}",
            "[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,200}\\.[A-Za-z0-9_-]{40,46}",
        ],
        now in any::<u64>(),
        leeway in any::<u64>(),
    ) {
        let credentials = creds("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .with_leeway(Duration::from_secs(leeway));
        let result = credentials.verify_at(&text, now);
        prop_assert!(result.is_err());
        // Every error renders.
        let _ = result.unwrap_err().to_string();
    }

    /// Random text never panics the SID and client-name constructors; what they accept follows
    /// the rules exactly and is kept verbatim.
    #[test]
    fn constructors_never_panic(
        text in prop_oneof![
            any::<String>(),
            "(AC|AP|CA|ac|A)[0-9a-fA-FéG€\n ]{0,34}",
            "[A-Za-z0-9_é -]{0,130}",
        ],
    ) {
        let sid_rule = |prefix: &str| {
            text.len() == 34
                && text.starts_with(prefix)
                && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
        };
        match AccountSid::new(&text) {
            Ok(sid) => prop_assert!(sid_rule("AC") && sid.as_str() == text),
            Err(e) => prop_assert!(!sid_rule("AC") && matches!(e, Error::InvalidSid(_)) && !e.to_string().is_empty()),
        }
        match AppSid::new(&text) {
            Ok(sid) => prop_assert!(sid_rule("AP") && sid.as_str() == text),
            Err(e) => prop_assert!(!sid_rule("AP") && matches!(e, Error::InvalidSid(_)) && !e.to_string().is_empty()),
        }
        prop_assert_eq!(text.parse::<AccountSid>().is_ok(), sid_rule("AC"));
        let name_rule = !text.is_empty()
            && text.len() <= MAX_CLIENT_NAME_LEN
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        match ClientName::new(&text) {
            Ok(name) => prop_assert!(name_rule && name.as_str() == text),
            Err(e) => prop_assert!(!name_rule && matches!(e, Error::InvalidClientName(_)) && !e.to_string().is_empty()),
        }
        prop_assert_eq!(ClientName::try_from(text.clone()).is_ok(), name_rule);
        match Credentials::new(&text, SECRET) {
            Ok(c) => prop_assert_eq!(c.account_sid().as_str(), text.as_str()),
            Err(e) => prop_assert!(matches!(e, Error::InvalidSid(_))),
        }
    }

    /// Signing at any time never panics or wraps: the expiry is `t + ttl`, clamped to 2^53 − 1,
    /// and verifying at any time accepts exactly before it.
    #[test]
    fn any_time_signs_without_wrapping(
        t in prop_oneof![any::<u64>(), MAX_EXP - MAX_TTL_SECS..=MAX_EXP + 1, u64::MAX - MAX_TTL_SECS..=u64::MAX],
        ttl in 1..=MAX_TTL_SECS,
        now in prop_oneof![any::<u64>(), MAX_EXP - 2..=MAX_EXP + 1],
    ) {
        let credentials = creds("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        let policy = build(&[Grant::Incoming("Alice".into())], ttl);
        let token = policy.sign_at(&credentials, t);
        let expected = t.saturating_add(ttl).min(MAX_EXP);
        prop_assert_eq!(token.expires_at(), expected);
        prop_assert!(token.expires_at() >= t.min(MAX_EXP));
        match credentials.verify_at(token.as_str(), now) {
            Ok(verified) => {
                prop_assert!(now < expected);
                prop_assert_eq!(verified.expires_at(), expected);
            }
            Err(Error::Expired { expired_at, now: at }) => {
                prop_assert!(now >= expected);
                prop_assert_eq!((expired_at, at), (expected, now));
            }
            Err(e) => prop_assert!(false, "unexpected {:?}", e),
        }
    }
}

/// The same, exhaustively for one token with all three scopes: every byte position, every other
/// byte value; every truncation.
#[test]
fn every_single_byte_change_and_truncation_is_rejected() {
    let credentials = creds("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    let policy = build(
        &[
            Grant::Incoming("Alice".into()),
            Grant::Outgoing(
                "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".into(),
                vec![("Foo".into(), "Bar".into())],
            ),
            Grant::Events(vec![("a".into(), "b".into())]),
        ],
        600,
    );
    let t = 1_700_000_000;
    let token = policy.sign_at(&credentials, t).into_string();
    assert!(credentials.verify_at(&token, t).is_ok());
    let mut checked = 0;
    for i in 0..token.len() {
        assert!(
            credentials.verify_at(&token[..i], t).is_err(),
            "truncated at {i}"
        );
        for byte in 0..=u8::MAX {
            let mut bytes = token.clone().into_bytes();
            if bytes[i] == byte {
                continue;
            }
            bytes[i] = byte;
            let altered = String::from_utf8_lossy(&bytes);
            assert!(
                credentials.verify_at(&altered, t).is_err(),
                "byte {i} set to {byte}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, token.len() * 255);
}

/// A policy written in the grammar of `capability!`, literals escaped as Rust escapes them.
fn policy_text(grants: &[Grant], ttl: u64) -> String {
    let block = |params: &[(String, String)]| {
        let pairs: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k:?} = {v:?}"))
            .collect();
        format!("{{ {} }}", pairs.join(", "))
    };
    let mut text = String::new();
    for grant in grants {
        match grant {
            Grant::Incoming(name) => text.push_str(&format!("incoming {name:?};\n")),
            Grant::Outgoing(app, params) => {
                text.push_str(&format!("outgoing {app:?} {};\n", block(params)))
            }
            Grant::Events(filters) => text.push_str(&format!("events {};\n", block(filters))),
        }
    }
    text.push_str(&format!("ttl {ttl}s;"));
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Run-time parsing of a policy's text gives the policy the builder gives.
    #[test]
    fn parsing_a_policy_gives_what_the_builder_gives((grants, ttl) in policy_parts()) {
        // The grammar refuses a key given twice in a block, the builder keeps both.
        let distinct = |p: &[(String, String)]| {
            let mut keys: Vec<&String> = p.iter().map(|(k, _)| k).collect();
            keys.sort();
            keys.windows(2).all(|w| w[0] != w[1])
        };
        prop_assume!(grants.iter().all(|g| match g {
            Grant::Outgoing(_, p) | Grant::Events(p) => distinct(p),
            Grant::Incoming(_) => true,
        }));
        let text = policy_text(&grants, ttl);
        let parsed: Policy = text.parse().map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
        prop_assert_eq!(parsed, build(&grants, ttl));
    }

    /// Any text: a policy or a `ParseError` whose positions are inside the text.
    #[test]
    fn parsing_any_text_never_panics(text in "\\PC{0,200}") {
        if let Err(e) = text.parse::<Policy>() {
            for d in e.diagnostics() {
                prop_assert!(d.byte_range().end <= text.len());
                prop_assert!(d.line() >= 1 && d.column() >= 1);
            }
            let _ = e.to_string();
        }
    }
}
