//! Fuzz target for `Credentials::verify_at`.
//!
//! The first byte of the input picks what the rest is:
//!
//! - even: the token text itself (invalid UTF-8 replaced). Exercises the size limit, the segment
//!   split, header decoding and parsing, and the signature's base64; random bytes almost never
//!   get past the HMAC.
//! - odd: a header JSON and a payload JSON separated by a `0xFF` byte (no separator: twilio-php's
//!   header and the whole rest as payload). The target base64url-encodes and SIGNS them with the
//!   verifying key, so the fuzzer reaches what follows the signature check: claim parsing
//!   (duplicate keys, wrong types, depth), issuer, lifetime and the scope parser.
//!
//! Invariants checked beyond "never panics": `verify_at` and `inspect_at` agree on what the token
//! grants (`common::capability_disagreement`); an accepted token is
//! unexpired at `NOW` and issued by `ACCOUNT_SID`; its header and payload really are what was
//! signed; what it grants, put back into a `Policy`, signs (by `sign_at` and by a `Signer`, the
//! same bytes) and verifies to the same grants (encoder and parser agree); and every error
//! message is short and has no raw control characters.
#![no_main]

mod common;

use capability_runtime::{Credentials, Error, Grants, Policy, MAX_TOKEN_LEN};
use common::{check_message, sign};
use libfuzzer_sys::fuzz_target;

/// The key and account of `capability-runtime/tests/data/reference-vectors.json`, so its tokens are valid seeds.
const SECRET: &str = "0123456789abcdef0123456789abcdef";
const ACCOUNT_SID: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// One second after the vectors were issued.
const NOW: u64 = 1_700_000_001;
/// twilio-php's header.
const PHP_HEADER: &[u8] = br#"{"typ":"JWT","alg":"HS256"}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let credentials = Credentials::new(ACCOUNT_SID, SECRET).expect("valid credentials");
    if mode % 2 == 0 {
        let token = String::from_utf8_lossy(rest);
        check_inspection_agrees(&credentials, &token);
        match credentials.verify_at(&token, NOW) {
            Ok(verified) => check_accepted(&credentials, &verified),
            Err(e) => check_message(&e),
        }
    } else {
        let (header, payload) = match rest.iter().position(|&b| b == 0xFF) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (PHP_HEADER, rest),
        };
        let token = sign(SECRET, header, payload);
        check_inspection_agrees(&credentials, &token);
        let result = credentials.verify_at(&token, NOW);
        if token.len() > MAX_TOKEN_LEN {
            assert!(result.is_err(), "a token over the size limit was accepted");
        }
        if let Err(e) = &result {
            check_message(e);
        }
        if let Ok(verified) = result {
            // Only JSON objects can be accepted: both parts must be valid UTF-8 JSON.
            assert!(
                std::str::from_utf8(payload).is_ok(),
                "accepted a non-UTF-8 payload"
            );
            assert!(
                std::str::from_utf8(header).is_ok(),
                "accepted a non-UTF-8 header"
            );
            check_accepted(&credentials, &verified);
        }
    }
});

/// `verify_at` and `inspect_at` agree on what the token grants (see
/// `common::capability_disagreement`).
fn check_inspection_agrees(credentials: &Credentials, token: &str) {
    if let Some(disagreement) = common::capability_disagreement(credentials, token, NOW) {
        panic!("verify_at and inspect_at disagree: {disagreement}");
    }
}

fn check_accepted(credentials: &Credentials, verified: &capability_runtime::VerifiedToken) {
    assert_eq!(verified.account_sid().as_str(), ACCOUNT_SID);
    assert!(verified.expires_at() > NOW, "accepted an expired token");
    if let Some(nbf) = verified.not_before() {
        assert!(nbf <= NOW, "accepted a token before its nbf");
    }
    round_trip(credentials, verified.grants());
}

/// What a verified token grants, rebuilt as a policy, must sign and verify to the same grants.
fn round_trip(credentials: &Credentials, grants: &Grants) {
    if !grants.other_scopes().is_empty() {
        return;
    }
    let mut builder = Policy::builder();
    if let Some(name) = grants.incoming() {
        builder = builder.incoming(name.clone());
    }
    if let Some(outgoing) = grants.outgoing() {
        builder = builder.outgoing(*outgoing.app_sid(), outgoing.params().iter());
    }
    if let Some(events) = grants.events() {
        builder = builder.events(events.filters().iter());
    }
    let policy = match builder.build() {
        Ok(policy) => policy,
        // Nothing granted: an empty scope.
        Err(Error::EmptyPolicy) => {
            assert!(
                grants.is_empty(),
                "grants that cannot be rebuilt: {grants:?}"
            );
            return;
        }
        // Our encoding is canonical, not minimal: `%` in a value takes 5 bytes where another
        // library may have written 3, so the rebuilt policy may be over the limit.
        Err(Error::PolicyTooLarge { .. }) => return,
        Err(e) => panic!("grants of a verified token do not rebuild: {e:?}"),
    };
    let token = policy.sign_at(credentials, NOW);
    assert_eq!(policy.signer(credentials).sign_at(NOW), token, "a Signer signs other bytes");
    let again = credentials
        .verify_at(token.as_str(), NOW)
        .expect("a token we signed verifies");
    let again = again.grants();
    assert_eq!(again.incoming(), grants.incoming());
    assert_eq!(again.events(), grants.events());
    match (again.outgoing(), grants.outgoing()) {
        (Some(a), Some(b)) => {
            assert_eq!(a.app_sid(), b.app_sid());
            assert_eq!(a.params(), b.params());
            // A policy names its incoming client on outgoing, whatever the token named there.
            assert_eq!(a.client_name(), grants.incoming());
        }
        (a, b) => assert_eq!(a.is_some(), b.is_some()),
    }
}
