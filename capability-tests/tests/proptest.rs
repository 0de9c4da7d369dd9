//! Property tests: random valid policies round-trip; altered tokens never verify; random text
//! never panics the verifier or the constructors.

#[path = "../../capability-runtime/tests/common/mod.rs"]
mod common;
mod support;

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
use support::mutations::{mutate, mutations};

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

/// Times whose expiry has any number of digits: an expiry from 1 to 16 digits long, as `t + ttl`,
/// and any `u64` (clamped when too large).
fn times_of_every_expiry_length(ttl: u64) -> impl Strategy<Value = u64> {
    prop_oneof![
        (1..=16u32).prop_flat_map(move |digits| {
            let low = 10u64.pow(digits - 1).max(ttl);
            let high = (10u64.pow(digits) - 1).min(MAX_EXP).max(low);
            (low..=high).prop_map(move |exp| exp - ttl)
        }),
        any::<u64>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A prepared `Signer` signs exactly what `Policy::sign_at` signs: any policy, account, key
    /// and time, expiries of every length.
    #[test]
    fn a_signer_signs_what_sign_at_signs(
        (grants, ttl) in policy_parts(),
        account in sid("AC"),
        key in "(?s).{1,100}",
        t in (1..=MAX_TTL_SECS).prop_flat_map(times_of_every_expiry_length),
    ) {
        let credentials = Credentials::new(&account, key).unwrap();
        let policy = build(&grants, ttl);
        let signer = policy.signer(&credentials);
        prop_assert_eq!(signer.sign_at(t), policy.sign_at(&credentials, t));
        prop_assert_eq!(signer.ttl(), policy.ttl());
    }

    /// `verify_at` and `inspect_at` agree on what a token grants, for validly signed payloads
    /// edited anywhere (see `common::capability_disagreement`).
    #[test]
    fn verify_and_inspect_agree_on_edited_payloads(
        (grants, ttl) in policy_parts(),
        t in 0..MAX_EXP - MAX_TTL_SECS,
        edits in mutations(),
        header in prop::sample::select(vec![
            r#"{"typ":"JWT","alg":"HS256"}"#,
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"alg":"HS256"}"#,
        ]),
    ) {
        let account = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let credentials = creds(account);
        let policy = build(&grants, ttl);
        let token = policy.sign_at(&credentials, t);
        let payload = format!(
            r#"{{"scope":"{}","iss":"{account}","exp":{}}}"#,
            policy.scope(),
            token.expires_at()
        );
        let edited = mutate(&payload, &edits);
        let token = sign_segments(&URL_SAFE_NO_PAD.encode(header), &URL_SAFE_NO_PAD.encode(&edited));
        for now in [t, token.len() as u64] {
            let disagreement = common::capability_disagreement(&credentials, &token, now);
            prop_assert!(disagreement.is_none(), "{:?}", disagreement);
        }
        // The unedited payload verifies, and inspects to the same.
        let token = sign_segments(&URL_SAFE_NO_PAD.encode(header), &URL_SAFE_NO_PAD.encode(&payload));
        let verified = credentials.verify_at(&token, t).unwrap();
        prop_assert_eq!(verified.grants(), policy.grants());
        let disagreement = common::capability_disagreement(&credentials, &token, t);
        prop_assert!(disagreement.is_none(), "{:?}", disagreement);
    }

    /// The same for edited headers and edited whole tokens, signed or not.
    #[test]
    fn verify_and_inspect_agree_on_edited_headers_and_tokens(
        (credentials, token, t) in signed(),
        edits in mutations(),
        header in prop::sample::select(vec![
            r#"{"typ":"JWT","alg":"HS256"}"#,
            r#"{"alg":"HS256","typ":"JWT"}"#,
        ]),
    ) {
        let edited = String::from_utf8_lossy(&mutate(&token, &edits)).into_owned();
        let disagreement = common::capability_disagreement(&credentials, &edited, t);
        prop_assert!(disagreement.is_none(), "{:?}", disagreement);
        let payload = token.split('.').nth(1).unwrap();
        let edited = mutate(header, &edits);
        let resigned = sign_segments(&URL_SAFE_NO_PAD.encode(&edited), payload);
        let account = credentials.account_sid().as_str().to_owned();
        let credentials = creds(&account);
        let disagreement = common::capability_disagreement(&credentials, &resigned, t);
        prop_assert!(disagreement.is_none(), "{:?}", disagreement);
    }

    /// Lifetime and leeway at any scale: a token is accepted exactly from `nbf - leeway` until
    /// `exp + leeway - 1`, computed without overflow.
    #[test]
    fn lifetime_and_leeway_at_any_scale(
        exp in prop_oneof![0..=MAX_EXP, MAX_EXP - 100..=MAX_EXP, 0..100u64],
        nbf in prop::option::of(prop_oneof![0..=MAX_EXP, 0..100u64]),
        leeway in prop_oneof![0..100u64, any::<u64>(), Just(u64::MAX)],
        now in prop_oneof![any::<u64>(), 0..200u64, u64::MAX - 100..=u64::MAX],
    ) {
        check_lifetime(exp, nbf, leeway, now)?;
    }
}

/// Signs a token with these `exp` and `nbf` and checks `verify_at` at `now` against the rule.
fn check_lifetime(exp: u64, nbf: Option<u64>, leeway: u64, now: u64) -> Result<(), TestCaseError> {
    let account = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let nbf_claim = nbf.map(|n| format!(r#","nbf":{n}"#)).unwrap_or_default();
    let payload = format!(
        r#"{{"scope":"scope:client:incoming?clientName=A","iss":"{account}","exp":{exp}{nbf_claim}}}"#
    );
    let token = common::sign_json(r#"{"typ":"JWT","alg":"HS256"}"#, &payload);
    let credentials = creds(account).with_leeway(Duration::from_secs(leeway));
    // The rule, in exact arithmetic.
    let expired = u128::from(now) >= u128::from(exp) + u128::from(leeway);
    let early = nbf.is_some_and(|nbf| u128::from(now) + u128::from(leeway) < u128::from(nbf));
    let result = credentials.verify_at(&token, now);
    match (expired, early) {
        (false, false) => prop_assert!(result.is_ok(), "{exp} {nbf:?} {leeway} {now}: {result:?}"),
        (true, _) => prop_assert_eq!(
            result.unwrap_err(),
            Error::Expired {
                expired_at: exp,
                now
            }
        ),
        (false, true) => prop_assert_eq!(
            result.unwrap_err(),
            Error::NotYetValid {
                not_before: nbf.unwrap(),
                now
            }
        ),
    }
    Ok(())
}

/// Every combination of small `exp`, `nbf`, leeway and time, so every boundary is met:
/// accepted from `nbf - leeway` (inclusive) until `exp + leeway - 1` (inclusive), `exp` 0 and a
/// leeway larger than the time included.
#[test]
fn lifetime_and_leeway_boundaries_exhaustively() {
    let mut checked = 0;
    for exp in 0..=8 {
        for nbf in [None, Some(0), Some(1), Some(4), Some(8), Some(12)] {
            for leeway in 0..=5 {
                for now in 0..=16 {
                    check_lifetime(exp, nbf, leeway, now).unwrap();
                    checked += 1;
                }
            }
        }
    }
    // And at the end of time.
    for exp in [MAX_EXP - 1, MAX_EXP] {
        for leeway in [0, 1, u64::MAX - MAX_EXP, u64::MAX - MAX_EXP + 1, u64::MAX] {
            for now in [MAX_EXP - 1, MAX_EXP, u64::MAX - 1, u64::MAX] {
                check_lifetime(exp, Some(MAX_EXP), leeway, now).unwrap();
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 9 * 6 * 6 * 17 + 2 * 5 * 4);
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
