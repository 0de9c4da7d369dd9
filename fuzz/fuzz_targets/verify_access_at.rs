//! Fuzz target for `ApiKey::verify_at` (Access Tokens) and the JSON reader behind it.
//!
//! The first byte of the input picks what the rest is (modulo 3):
//!
//! - 0: the token text itself (invalid UTF-8 replaced). Exercises the size limit, the segment
//!   split, the header's decoding and checks, and the signature's base64.
//! - 1: a header JSON and a payload JSON separated by a `0xFF` byte (no separator: twilio-php's
//!   header and the whole rest as payload). The target base64url-encodes and SIGNS them with the
//!   verifying key, so the fuzzer reaches what follows the signature check: the claims, the
//!   grants, duplicate keys, types and nesting.
//! - 2: any text given to `PlaybackGrant::from_json`, which reads it with the same JSON reader.
//!
//! Invariants beyond "never panics": `verify_at` and `inspect_at` agree on what the token grants
//! (`common::access_disagreement`); the reader accepts only what serde_json accepts, as an
//! object, and what it keeps is read back the same (by itself and by serde_json); an accepted
//! token is unexpired at `NOW` and issued by the key for its account; its header and payload are
//! JSON objects serde_json reads; what it grants, put back into an `AccessPolicy`, signs and
//! verifies to the same grants; every error message is short and has no raw control characters.
#![no_main]

mod common;

use capability_runtime::{
    AccessGrants, AccessPolicy, ApiKey, ChatGrant, Error, GrantKind, PlaybackGrant, SyncGrant,
    TaskRouterGrant, VerifiedAccessToken, VideoGrant, VoiceGrant, MAX_TOKEN_LEN,
};
use common::{check_message, sign};
use libfuzzer_sys::fuzz_target;

/// The key of `capability-runtime/tests/data/access-token-vectors.json`, so its tokens are valid seeds.
const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
const SECRET: &str = "0123456789abcdef0123456789abcdef";
/// When the vectors were issued.
const NOW: u64 = 1_700_000_000;
/// twilio-php's header.
const PHP_HEADER: &[u8] = br#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let key = ApiKey::new(ACCOUNT_SID, KEY_SID, SECRET).expect("valid key");
    match mode % 3 {
        0 => {
            let token = String::from_utf8_lossy(rest);
            check_inspection_agrees(&key, &token);
            match key.verify_at(&token, NOW) {
                Ok(verified) => check_accepted(&key, &token, &verified),
                Err(e) => check_message(&e),
            }
        }
        1 => {
            let (header, payload) = match rest.iter().position(|&b| b == 0xFF) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (PHP_HEADER, rest),
            };
            let token = sign(SECRET, header, payload);
            check_inspection_agrees(&key, &token);
            let result = key.verify_at(&token, NOW);
            if token.len() > MAX_TOKEN_LEN {
                assert!(result.is_err(), "a token over the size limit was accepted");
            }
            match result {
                Ok(verified) => {
                    for part in [header, payload] {
                        let value: serde_json::Value = serde_json::from_slice(part)
                            .expect("an accepted part is JSON serde_json reads");
                        assert!(value.is_object(), "an accepted part is an object");
                    }
                    check_accepted(&key, &token, &verified);
                }
                Err(e) => check_message(&e),
            }
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            let serde = serde_json::from_str::<serde_json::Value>(&text);
            match PlaybackGrant::from_json(&text) {
                Ok(grant) => {
                    assert!(
                        matches!(serde, Ok(serde_json::Value::Object(_))),
                        "accepted what serde_json refuses: {text:?}"
                    );
                    let again = PlaybackGrant::from_json(grant.as_json()).expect("reads itself");
                    assert_eq!(again, grant);
                    let reread: serde_json::Value =
                        serde_json::from_str(grant.as_json()).expect("serde_json reads it");
                    assert!(reread.is_object());
                }
                Err(e) => check_message(&e),
            }
        }
    }
});

/// `verify_at` and `inspect_at` agree on what the token grants (see
/// `common::access_disagreement`).
fn check_inspection_agrees(key: &ApiKey, token: &str) {
    if let Some(disagreement) = common::access_disagreement(key, token, NOW) {
        panic!("verify_at and inspect_at disagree: {disagreement}");
    }
}

fn check_accepted(key: &ApiKey, token: &str, verified: &VerifiedAccessToken) {
    assert_eq!(verified.account_sid().as_str(), ACCOUNT_SID);
    assert_eq!(verified.api_key_sid().as_str(), KEY_SID);
    assert!(verified.expires_at() > NOW, "accepted an expired token");
    if let Some(nbf) = verified.not_before() {
        assert!(nbf <= NOW, "accepted a token before its nbf");
    }
    // Verifying twice gives the same reading.
    assert_eq!(&key.verify_at(token, NOW).expect("verifies again"), verified);
    round_trip(key, verified);
}

/// What a verified token grants, rebuilt as a policy, must sign and verify to the same grants.
fn round_trip(key: &ApiKey, verified: &VerifiedAccessToken) {
    // A policy needs an identity, and holds only the grants this library knows.
    let Some(identity) = verified.identity() else {
        return;
    };
    let grants: &AccessGrants = verified.grants();
    if !grants.other_grants().is_empty() {
        return;
    }
    let mut b = AccessPolicy::builder().identity(identity.clone());
    for &kind in grants.kinds() {
        b = match kind {
            GrantKind::Voice => {
                let v = grants.voice().expect("listed");
                let mut voice = VoiceGrant::new();
                if v.incoming_allowed() {
                    voice = voice.incoming();
                }
                if let Some(app) = v.outgoing_application() {
                    voice = voice.outgoing(*app.app_sid(), app.params());
                }
                if let Some(sid) = v.push_credential_sid() {
                    voice = voice.push_credential(*sid);
                }
                if let Some(id) = v.endpoint_id() {
                    voice = voice.endpoint(id);
                }
                b.voice(voice)
            }
            GrantKind::Video => {
                let v = grants.video().expect("listed");
                b.video(match v.room_name() {
                    Some(room) => VideoGrant::new().room(room),
                    None => VideoGrant::new(),
                })
            }
            GrantKind::Chat => {
                let c = grants.chat().expect("listed");
                let mut chat = ChatGrant::new();
                if let Some(sid) = c.service_sid() {
                    chat = chat.service(*sid);
                }
                if let Some(id) = c.endpoint_id() {
                    chat = chat.endpoint(id);
                }
                if let Some(sid) = c.deployment_role_sid() {
                    chat = chat.deployment_role(*sid);
                }
                if let Some(sid) = c.push_credential_sid() {
                    chat = chat.push_credential(*sid);
                }
                b.chat(chat)
            }
            GrantKind::Sync => {
                let s = grants.sync().expect("listed");
                let mut sync = SyncGrant::new();
                if let Some(sid) = s.service_sid() {
                    sync = sync.service(*sid);
                }
                if let Some(id) = s.endpoint_id() {
                    sync = sync.endpoint(id);
                }
                if let Some(sid) = s.deployment_role_sid() {
                    sync = sync.deployment_role(*sid);
                }
                if let Some(sid) = s.push_credential_sid() {
                    sync = sync.push_credential(*sid);
                }
                b.sync(sync)
            }
            GrantKind::TaskRouter => {
                let t = grants.task_router().expect("listed");
                let mut task_router = TaskRouterGrant::new();
                if let Some(sid) = t.workspace_sid() {
                    task_router = task_router.workspace(*sid);
                }
                if let Some(sid) = t.worker_sid() {
                    task_router = task_router.worker(*sid);
                }
                if let Some(role) = t.role_name() {
                    task_router = task_router.role(role);
                }
                b.task_router(task_router)
            }
            GrantKind::Playback => b.playback(grants.playback().expect("listed").clone()),
        };
    }
    if let Some(region) = verified.region() {
        b = b.region(region.clone());
    }
    let policy = match b.build() {
        Ok(policy) => policy,
        // Twilio refuses voice for identities that are not client names; the verifier reads
        // them (another library may have made the token), the builder refuses them.
        Err(Error::InvalidVoiceIdentity(_)) => return,
        // Our encoding is canonical, not minimal (`/` takes 2 bytes, `é` 6): the rebuilt policy
        // may be over the limit.
        Err(Error::PolicyTooLarge { .. }) => return,
        Err(e) => panic!("the grants of a verified token do not rebuild: {e:?}"),
    };
    let token = policy.sign_at(key, NOW);
    let again = key.verify_at(token.as_str(), NOW).expect("a token we signed verifies");
    assert_eq!(again.grants(), grants, "grants other than those read");
    assert_eq!(again.grants().kinds(), grants.kinds());
    assert_eq!(again.identity(), Some(identity));
    assert_eq!(again.region(), verified.region());
}
