//! Rotating the auth token: during a rotation, tokens signed with the primary or the secondary
//! auth token verify, with every other check unchanged; signing uses only the primary; after the
//! rotation, tokens of the old key are refused. Neither secret ever shows.

#[path = "../../capability-runtime/tests/common/mod.rs"]
mod common;

use std::time::Duration;

use capability::{capability, ClientName, Credentials, Error, Policy};
use common::{sign_json, ACCOUNT, SECRET};

/// The auth token being rotated out; `SECRET` (the key of `common`'s crafted tokens) is
/// whichever key a test needs it to be.
const OLD: &str = "00112233445566778899aabbccddeeff";
const NEW: &str = "ffeeddccbbaa99887766554433221100";
const NOW: u64 = 1_700_000_000;

const POLICY: Policy = capability! {
    incoming "alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Queue = "support" };
    ttl 10m;
};

fn creds(auth_token: &str) -> Credentials {
    Credentials::new(ACCOUNT, auth_token).unwrap()
}

fn signed_with(auth_token: &str) -> String {
    POLICY.sign_at(&creds(auth_token), NOW).into_string()
}

#[test]
fn a_token_of_the_old_key_verifies_during_the_rotation_and_is_refused_after_it() {
    let old_token = signed_with(OLD);
    let new_token = signed_with(NEW);

    // Before: only the old key.
    let before = creds(OLD);
    assert!(!before.has_secondary());
    assert!(before.verify_at(&old_token, NOW).is_ok());
    assert_eq!(before.verify_at(&new_token, NOW), Err(Error::BadSignature));

    // During, either way round: both keys verify, with the same grants.
    for during in [
        creds(OLD).with_secondary(NEW).unwrap(),
        creds(NEW).with_secondary(OLD).unwrap(),
    ] {
        assert!(during.has_secondary());
        for token in [&old_token, &new_token] {
            let verified = during.verify_at(token, NOW + 1).unwrap();
            assert_eq!(verified.grants(), POLICY.grants());
            assert_eq!(verified.expires_at(), NOW + 600);
        }
    }

    // After: the rotation ended, by dropping the secondary or by building new credentials.
    for after in [
        creds(NEW).with_secondary(OLD).unwrap().without_secondary(),
        creds(NEW),
    ] {
        assert!(!after.has_secondary());
        assert_eq!(after.verify_at(&old_token, NOW), Err(Error::BadSignature));
        assert!(after.verify_at(&new_token, NOW).is_ok());
    }
}

#[test]
fn signing_uses_only_the_primary() {
    let rotating = creds(NEW).with_secondary(OLD).unwrap();
    // The whole token, byte for byte, is the one the primary alone signs.
    assert_eq!(
        POLICY.sign_at(&rotating, NOW).as_str(),
        POLICY.sign_at(&creds(NEW), NOW).as_str()
    );
    let token = POLICY.sign_at(&rotating, NOW);
    assert!(creds(NEW).verify_at(token.as_str(), NOW).is_ok());
    assert_eq!(
        creds(OLD).verify_at(token.as_str(), NOW),
        Err(Error::BadSignature)
    );
}

#[test]
fn a_third_key_is_refused_and_a_second_secondary_replaces_the_first() {
    let third = signed_with(SECRET);
    let rotating = creds(NEW).with_secondary(OLD).unwrap();
    assert_eq!(rotating.verify_at(&third, NOW), Err(Error::BadSignature));

    let replaced = rotating.with_secondary(SECRET).unwrap();
    assert!(replaced.verify_at(&third, NOW).is_ok());
    assert_eq!(
        replaced.verify_at(&signed_with(OLD), NOW),
        Err(Error::BadSignature)
    );
    assert!(replaced.verify_at(&signed_with(NEW), NOW).is_ok());
}

#[test]
fn a_clone_keeps_the_rotation() {
    let rotating = creds(NEW).with_secondary(OLD).unwrap();
    let clone = rotating.clone();
    drop(rotating);
    assert!(clone.verify_at(&signed_with(OLD), NOW).is_ok());
}

#[test]
fn an_empty_secondary_is_refused() {
    assert_eq!(
        creds(NEW).with_secondary("").unwrap_err(),
        Error::EmptyAuthToken
    );
}

/// Every check after the signature is the same whichever key signed: tokens crafted with
/// `SECRET` give exactly the same result, success or error, when `SECRET` is the primary and
/// when it is the secondary.
#[test]
fn no_check_is_weakened_for_the_secondary() {
    let header = r#"{"typ":"JWT","alg":"HS256"}"#;
    let incoming = "scope:client:incoming?clientName=alice";
    let claims = |rest: &str| format!(r#"{{"scope":"{incoming}","iss":"{ACCOUNT}"{rest}}}"#);
    let valid = sign_json(header, &claims(r#","exp":1700000600"#));
    let mut tampered = valid.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    let tampered = String::from_utf8(tampered).unwrap();

    let tokens = [
        valid.clone(),
        // Expired, not yet valid, another issuer, no expiry, a duplicate key.
        sign_json(header, &claims(r#","exp":1700000000"#)),
        sign_json(header, &claims(r#","exp":1700000600,"nbf":1700000100"#)),
        sign_json(
            header,
            &format!(
                r#"{{"scope":"{incoming}","iss":"ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","exp":1700000600}}"#
            ),
        ),
        sign_json(
            header,
            &format!(r#"{{"scope":"{incoming}","iss":"{ACCOUNT}"}}"#),
        ),
        sign_json(header, &claims(r#","exp":1700000600,"exp":1800000000"#)),
        // Headers: another algorithm, `none`, `crit`.
        sign_json(r#"{"alg":"HS512"}"#, &claims(r#","exp":1700000600"#)),
        sign_json(r#"{"alg":"none"}"#, &claims(r#","exp":1700000600"#)),
        sign_json(
            r#"{"alg":"HS256","crit":["exp"]}"#,
            &claims(r#","exp":1700000600"#),
        ),
        // A scope that is not one.
        sign_json(
            header,
            &format!(
                r#"{{"scope":"scope:client:incoming?clientName=a-b","iss":"{ACCOUNT}","exp":1700000600}}"#
            ),
        ),
        // Changed after signing; signature cut short; no signature.
        tampered,
        valid[..valid.len() - 2].to_owned(),
        format!("{}.", valid.rsplit_once('.').unwrap().0),
    ];

    let primary = creds(SECRET);
    let secondary = creds(NEW).with_secondary(SECRET).unwrap();
    let with_leeway = |c: Credentials| c.with_leeway(Duration::from_secs(5));
    for (i, token) in tokens.iter().enumerate() {
        let expected = primary.verify_at(token, NOW);
        assert_eq!(secondary.verify_at(token, NOW), expected, "token {i}");
        // Only the valid token verifies at all.
        assert_eq!(expected.is_ok(), i == 0, "token {i}: {expected:?}");
        // The leeway applies alike too.
        assert_eq!(
            with_leeway(secondary.clone()).verify_at(token, NOW + 599 + 5),
            with_leeway(primary.clone()).verify_at(token, NOW + 599 + 5),
            "token {i} with leeway"
        );
    }
    assert_eq!(
        secondary.verify_at(&tokens[1], NOW),
        Err(Error::Expired {
            expired_at: 1_700_000_000,
            now: NOW
        })
    );
}

#[test]
fn neither_secret_ever_shows() {
    let rotating = creds(NEW).with_secondary(OLD).unwrap();
    let debug = format!("{rotating:?} {rotating:#?} {:?}", rotating.clone());
    for secret in [NEW, OLD] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(
        debug.contains(r#"auth_token: [redacted], secondary_auth_token: Some([redacted])"#),
        "{debug}"
    );
    let ended = format!("{:?}", rotating.clone().without_secondary());
    assert!(ended.contains("secondary_auth_token: None"), "{ended}");

    // Nor in the errors of verifying, whichever key the token was signed with.
    let client = ClientName::new("alice").unwrap();
    let policy = Policy::builder().incoming(client).build().unwrap();
    for token in [
        policy.sign_at(&creds(SECRET), NOW).into_string(),
        policy.sign_at(&creds(OLD), NOW - 3600).into_string(),
        signed_with(NEW)[..20].to_owned(),
    ] {
        let error = rotating.verify_at(&token, NOW).unwrap_err();
        let shown = format!("{error} {error:?}");
        for secret in [NEW, OLD] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

// --- API keys -----------------------------------------------------------------------------------

mod api_keys {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use capability::{access_token, AccessPolicy, ApiKey, Error};
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::{ACCOUNT, NOW};

    const OLD_SID: &str = "SK00000000000000000000000000000001";
    const NEW_SID: &str = "SK00000000000000000000000000000002";
    const OLD_SECRET: &str = "old api key secret";
    const NEW_SECRET: &str = "new api key secret";

    const POLICY: AccessPolicy = access_token! {
        identity "alice";
        voice { incoming };
        ttl 10m;
    };

    fn key(sid: &str, secret: &str) -> ApiKey {
        ApiKey::new(ACCOUNT, sid, secret).unwrap()
    }

    fn rotating() -> ApiKey {
        key(NEW_SID, NEW_SECRET)
            .with_secondary(OLD_SID, OLD_SECRET)
            .unwrap()
    }

    /// An Access Token with these claims, signed with `secret`.
    fn crafted(claims: &str, secret: &str) -> String {
        let header =
            URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#);
        let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims));
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    #[test]
    fn the_old_key_s_tokens_verify_during_the_rotation_and_not_after() {
        let old_token = POLICY.sign_at(&key(OLD_SID, OLD_SECRET), NOW);
        let rotating = rotating();
        assert_eq!(rotating.secondary_sid().unwrap().as_str(), OLD_SID);
        let verified = rotating.verify_at(old_token.as_str(), NOW + 1).unwrap();
        assert_eq!(verified.grants(), POLICY.grants());

        // Signing uses the primary only.
        let new_token = POLICY.sign_at(&rotating, NOW);
        assert_eq!(new_token, POLICY.sign_at(&key(NEW_SID, NEW_SECRET), NOW));
        assert!(rotating.verify_at(new_token.as_str(), NOW + 1).is_ok());

        let rotated = rotating.without_secondary();
        assert_eq!(
            rotated.verify_at(old_token.as_str(), NOW + 1).unwrap_err(),
            Error::BadSignature
        );
        assert!(rotated.verify_at(new_token.as_str(), NOW + 1).is_ok());
    }

    #[test]
    fn each_key_s_tokens_must_name_that_key() {
        // Signed with the old secret but naming the new key (or the reverse): refused.
        let claims = |iss: &str| {
            format!(
                r#"{{"jti":"{iss}-{NOW}","iss":"{iss}","sub":"{ACCOUNT}","exp":{},"grants":{{"identity":"alice"}}}}"#,
                NOW + 600
            )
        };
        let rotating = rotating();
        for (iss, secret) in [(NEW_SID, OLD_SECRET), (OLD_SID, NEW_SECRET)] {
            let err = rotating
                .verify_at(&crafted(&claims(iss), secret), NOW)
                .unwrap_err();
            assert!(matches!(err, Error::WrongApiKey { .. }), "{iss}: {err:?}");
        }
        for (iss, secret) in [(NEW_SID, NEW_SECRET), (OLD_SID, OLD_SECRET)] {
            assert!(rotating
                .verify_at(&crafted(&claims(iss), secret), NOW)
                .is_ok());
        }
        // A third key is refused.
        let third = crafted(
            &claims("SK00000000000000000000000000000003"),
            "third secret",
        );
        assert_eq!(
            rotating.verify_at(&third, NOW).unwrap_err(),
            Error::BadSignature
        );
    }

    #[test]
    fn every_other_rule_holds_for_the_secondary() {
        let old_token = POLICY.sign_at(&key(OLD_SID, OLD_SECRET), NOW);
        let rotating = rotating();
        assert!(matches!(
            rotating
                .verify_at(old_token.as_str(), NOW + 600)
                .unwrap_err(),
            Error::Expired { .. }
        ));
        // The leeway applies to both keys, whenever it is set.
        let lenient = rotating.with_leeway(std::time::Duration::from_secs(10));
        assert!(lenient.verify_at(old_token.as_str(), NOW + 609).is_ok());
        assert!(lenient.verify_at(old_token.as_str(), NOW + 610).is_err());
        let other_account = ApiKey::new("ACffffffffffffffffffffffffffffffff", NEW_SID, NEW_SECRET)
            .unwrap()
            .with_secondary(OLD_SID, OLD_SECRET)
            .unwrap();
        assert!(matches!(
            other_account
                .verify_at(old_token.as_str(), NOW)
                .unwrap_err(),
            Error::WrongAccount { .. }
        ));
    }

    #[test]
    fn neither_secret_ever_shows() {
        let rotating = rotating();
        let debug = format!("{rotating:?} {rotating:#?}");
        assert!(
            !debug.contains(OLD_SECRET) && !debug.contains(NEW_SECRET),
            "{debug}"
        );
        assert!(debug.contains(OLD_SID), "{debug}");
        for err in [
            key(NEW_SID, NEW_SECRET)
                .with_secondary(OLD_SECRET, OLD_SID)
                .unwrap_err(),
            key(NEW_SID, NEW_SECRET)
                .with_secondary(OLD_SID, "")
                .unwrap_err(),
        ] {
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains(OLD_SECRET), "{shown}");
        }
    }
}
