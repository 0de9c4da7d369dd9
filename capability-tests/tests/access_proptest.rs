//! Property tests of Access Tokens: random valid policies round-trip; altered tokens never
//! verify; the JSON reader accepts exactly what serde_json accepts; random text never panics.

#[path = "../../capability-runtime/tests/common/mod.rs"]
mod common;
mod support;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{
    AccessPolicy, ApiKey, AppSid, ChatGrant, CredentialSid, Error, Identity, PlaybackGrant, Region,
    RoleSid, ServiceSid, SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant, WorkerSid,
    WorkspaceSid, MAX_EXP,
};
use common::ordered::Json;
use proptest::prelude::*;
use proptest::sample::subsequence;
use support::mutations::{mutate, mutations};

const MAX_TTL_SECS: u64 = 86_400;

fn sid(prefix: &'static str) -> impl Strategy<Value = String> {
    "[0-9a-fA-F]{32}".prop_map(move |hex| format!("{prefix}{hex}"))
}

/// Any text without control characters (JSON escaping of everything else, astral included).
fn text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,24}"
}

#[derive(Clone, Debug)]
enum Grant {
    Voice(
        bool,
        Option<(String, Vec<(String, String)>)>,
        Option<String>,
        Option<String>,
    ),
    Video(Option<String>),
    Chat([Option<String>; 4]),
    Sync([Option<String>; 4]),
    TaskRouter(Option<String>, Option<String>, Option<String>),
    Playback(String),
}

fn service_fields() -> impl Strategy<Value = [Option<String>; 4]> {
    (
        prop::option::of(sid("IS")),
        prop::option::of(text()),
        prop::option::of(sid("RL")),
        prop::option::of(sid("CR")),
    )
        .prop_map(|(a, b, c, d)| [a, b, c, d])
}

/// Parameters with distinct non-empty keys.
fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map(text(), any::<String>(), 0..4)
        .prop_map(|m| m.into_iter().collect::<Vec<_>>())
        .prop_shuffle()
}

/// A JSON object for the playback grant, as text.
fn playback_json() -> impl Strategy<Value = String> {
    prop::collection::btree_map(
        text(),
        prop_oneof![
            any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
            any::<i64>().prop_map(|n| n.to_string()),
            Just("null".to_owned()),
            Just("[true,{\"x\":[]}]".to_owned()),
        ],
        0..4,
    )
    .prop_map(|m| {
        let members: Vec<String> = m
            .iter()
            .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap()))
            .collect();
        format!("{{{}}}", members.join(","))
    })
}

fn grants() -> impl Strategy<Value = Vec<Grant>> {
    (
        (
            any::<bool>(),
            prop::option::of((sid("AP"), params())),
            prop::option::of(sid("CR")),
            prop::option::of(text()),
        ),
        prop::option::of(text()),
        service_fields(),
        service_fields(),
        (
            prop::option::of(sid("WS")),
            prop::option::of(sid("WK")),
            prop::option::of(text()),
        ),
        playback_json(),
    )
        .prop_flat_map(|(voice, video, chat, sync, task_router, playback)| {
            let all = vec![
                Grant::Voice(voice.0, voice.1, voice.2, voice.3),
                Grant::Video(video),
                Grant::Chat(chat),
                Grant::Sync(sync),
                Grant::TaskRouter(task_router.0, task_router.1, task_router.2),
                Grant::Playback(playback),
            ];
            subsequence(all, 0..=6).prop_shuffle()
        })
}

#[derive(Clone, Debug)]
struct Parts {
    identity: String,
    grants: Vec<Grant>,
    ttl: u64,
    region: Option<String>,
    nbf: Option<u64>,
}

fn parts() -> impl Strategy<Value = Parts> {
    (
        grants(),
        text(),
        "[A-Za-z0-9_]{1,121}",
        1..=MAX_TTL_SECS,
        prop::option::of("[a-z][a-z0-9]{1,15}"),
        prop::option::of(0..=MAX_EXP),
    )
        .prop_map(|(grants, any_identity, name, ttl, region, nbf)| {
            // Voice needs an identity that is a client name.
            let voice = grants.iter().any(|g| matches!(g, Grant::Voice(..)));
            let identity = if voice { name } else { any_identity };
            Parts {
                identity,
                grants,
                ttl,
                region,
                nbf,
            }
        })
}

fn service<T>(fields: &[Option<String>; 4], new: T, set: fn(T, usize, &str) -> T) -> T {
    let mut grant = new;
    for (i, field) in fields.iter().enumerate() {
        if let Some(value) = field {
            grant = set(grant, i, value);
        }
    }
    grant
}

fn build(p: &Parts) -> AccessPolicy {
    let mut b = AccessPolicy::builder()
        .identity(Identity::new(&p.identity).unwrap())
        .ttl(Duration::from_secs(p.ttl));
    if let Some(region) = &p.region {
        b = b.region(Region::new(region).unwrap());
    }
    if let Some(nbf) = p.nbf {
        b = b.not_before(nbf);
    }
    for g in &p.grants {
        b = match g {
            Grant::Voice(incoming, outgoing, push, endpoint) => {
                let mut v = VoiceGrant::new();
                if *incoming {
                    v = v.incoming();
                }
                if let Some((app, params)) = outgoing {
                    v = v.outgoing(AppSid::new(app).unwrap(), params.clone());
                }
                if let Some(push) = push {
                    v = v.push_credential(CredentialSid::new(push).unwrap());
                }
                if let Some(endpoint) = endpoint {
                    v = v.endpoint(endpoint.clone());
                }
                b.voice(v)
            }
            Grant::Video(room) => b.video(match room {
                Some(room) => VideoGrant::new().room(room.clone()),
                None => VideoGrant::new(),
            }),
            Grant::Chat(f) => b.chat(service(f, ChatGrant::new(), |g, i, v| match i {
                0 => g.service(ServiceSid::new(v).unwrap()),
                1 => g.endpoint(v),
                2 => g.deployment_role(RoleSid::new(v).unwrap()),
                _ => g.push_credential(CredentialSid::new(v).unwrap()),
            })),
            Grant::Sync(f) => b.sync(service(f, SyncGrant::new(), |g, i, v| match i {
                0 => g.service(ServiceSid::new(v).unwrap()),
                1 => g.endpoint(v),
                2 => g.deployment_role(RoleSid::new(v).unwrap()),
                _ => g.push_credential(CredentialSid::new(v).unwrap()),
            })),
            Grant::TaskRouter(ws, wk, role) => {
                let mut t = TaskRouterGrant::new();
                if let Some(ws) = ws {
                    t = t.workspace(WorkspaceSid::new(ws).unwrap());
                }
                if let Some(wk) = wk {
                    t = t.worker(WorkerSid::new(wk).unwrap());
                }
                if let Some(role) = role {
                    t = t.role(role.clone());
                }
                b.task_router(t)
            }
            Grant::Playback(json) => b.playback(PlaybackGrant::from_json(json).unwrap()),
        };
    }
    b.build().unwrap()
}

fn key(account: &str, key_sid: &str) -> ApiKey {
    ApiKey::new(account, key_sid, "0123456789abcdef0123456789abcdef").unwrap()
}

fn signed() -> impl Strategy<Value = (ApiKey, String, u64)> {
    (parts(), sid("AC"), sid("SK"), 0..MAX_EXP - MAX_TTL_SECS).prop_map(
        |(p, account, key_sid, t)| {
            let key = key(&account, &key_sid);
            let mut p = p;
            p.nbf = p.nbf.map(|nbf| nbf.min(t));
            let token = build(&p).sign_at(&key, t).into_string();
            (key, token, t)
        },
    )
}

/// Duplicate keys in any object, and the depth of nesting.
fn duplicates_and_depth(json: &Json) -> (bool, usize) {
    match json {
        Json::Obj(members) => {
            let mut keys: Vec<&String> = members.iter().map(|(k, _)| k).collect();
            keys.sort();
            let mut dup = keys.windows(2).any(|w| w[0] == w[1]);
            let mut depth = 0;
            for (_, v) in members {
                let (d, n) = duplicates_and_depth(v);
                dup |= d;
                depth = depth.max(n);
            }
            (dup, depth + 1)
        }
        Json::Arr(items) => {
            let mut dup = false;
            let mut depth = 0;
            for v in items {
                let (d, n) = duplicates_and_depth(v);
                dup |= d;
                depth = depth.max(n);
            }
            (dup, depth + 1)
        }
        _ => (false, 0),
    }
}

/// The same JSON value; floats within a rounding error (serde_json's default float parser is
/// not correctly rounded, so two spellings of one number may read a unit apart).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::{Array, Number, Object};
    match (a, b) {
        (Number(x), Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
        }
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// JSON-like text: valid JSON from a grammar, then possibly damaged by a few edits.
fn json_like() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        "[0-9a-z\"\\\\/ ]{0,6}".prop_map(|s| format!("\"{s}\"")),
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
        prop::sample::select(vec![
            "\"\\u00e9\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "-0",
            "1e5",
            "1E-5",
            "0.0"
        ])
        .prop_map(str::to_owned),
    ];
    let value = leaf.prop_recursive(6, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (prop::sample::select(vec!["a", "b", "c", "\\u0061"]), inner),
                0..4
            )
            .prop_map(|m| {
                let members: Vec<String> = m.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    });
    let edits = prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            prop::sample::select(vec![
                "", " ", ",", "}", "]", "\"", ":", "\\", "0", "{", "[", "\n",
            ]),
        ),
        0..3,
    );
    (value, edits).prop_map(|(mut text, edits)| {
        text = format!("{{\"k\":{text}}}");
        for (index, insert) in edits {
            let mut i = index.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, insert);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any valid policy signs and verifies back to the same identity, grants (in order),
    /// region, not-before time and expiry; the payload is JSON that serde_json reads back to
    /// the same text.
    #[test]
    fn valid_policies_round_trip(
        p in parts(),
        account in sid("AC"),
        key_sid in sid("SK"),
        t in 0..MAX_EXP - MAX_TTL_SECS,
    ) {
        let key = key(&account, &key_sid);
        let mut p = p;
        p.nbf = p.nbf.map(|nbf| nbf.min(t));
        let policy = build(&p);
        prop_assert_eq!(&build(&p), &policy);
        let token = policy.sign_at(&key, t);
        prop_assert_eq!(token.expires_at(), t + p.ttl);
        let verified = key.verify_at(token.as_str(), t).unwrap();
        prop_assert_eq!(verified.identity(), Some(policy.identity()));
        prop_assert_eq!(verified.grants(), policy.grants());
        prop_assert_eq!(verified.grants().kinds(), policy.grants().kinds());
        prop_assert_eq!(verified.region(), policy.region());
        prop_assert_eq!(verified.not_before(), p.nbf);
        prop_assert_eq!(verified.expires_at(), t + p.ttl);
        prop_assert_eq!(verified.api_key_sid().as_str(), key_sid.as_str());

        let payload = URL_SAFE_NO_PAD.decode(token.as_str().split('.').nth(1).unwrap()).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        prop_assert_eq!(claims["grants"]["identity"].as_str(), Some(p.identity.as_str()));
        prop_assert_eq!(claims["jti"].as_str().unwrap(), format!("{key_sid}-{t}"));
        // twilio-php's escaping: ASCII only, `/` escaped.
        prop_assert!(payload.is_ascii());
        prop_assert!(!payload.windows(2).any(|w| w[1] == b'/' && w[0] != b'\\'));

        prop_assert!(key.verify_at(token.as_str(), t + p.ttl - 1).is_ok());
        let expired = matches!(key.verify_at(token.as_str(), t + p.ttl), Err(Error::Expired { .. }));
        prop_assert!(expired);
    }

    /// `verify_at` and `inspect_at` agree on what a token grants, for validly signed payloads
    /// edited anywhere, and for edited whole tokens (see `common::access_disagreement`).
    #[test]
    fn verify_and_inspect_agree_on_edited_tokens(
        (key, token, t) in signed(),
        edits in mutations(),
    ) {
        prop_assert!(key.verify_at(&token, t).is_ok());
        let disagreement = common::access_disagreement(&key, &token, t);
        prop_assert!(disagreement.is_none(), "{:?}", disagreement);

        let (header, payload) = token.split_once('.').unwrap();
        let payload = URL_SAFE_NO_PAD.decode(payload.split_once('.').unwrap().0).unwrap();
        let edited = mutate(&payload, &edits);
        let resigned = common::sign_segments(header, &URL_SAFE_NO_PAD.encode(&edited));
        for now in [t, t + 100_000] {
            let disagreement = common::access_disagreement(&key, &resigned, now);
            prop_assert!(disagreement.is_none(), "{:?} {}", disagreement, String::from_utf8_lossy(&edited));
        }
        let edited = String::from_utf8_lossy(&mutate(&token, &edits)).into_owned();
        let disagreement = common::access_disagreement(&key, &edited, t);
        prop_assert!(disagreement.is_none(), "{:?} {}", disagreement, edited);
    }

    /// Any single byte replaced by any other byte: never verifies.
    #[test]
    fn a_changed_byte_never_verifies(
        (key, token, t) in signed(),
        index in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = token.clone().into_bytes();
        let i = index.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        let altered = String::from_utf8_lossy(&bytes);
        prop_assert_ne!(&*altered, token.as_str());
        prop_assert!(key.verify_at(&altered, t).is_err(), "accepted {}", altered);
    }

    /// Truncated anywhere, or with anything appended: never verifies.
    #[test]
    fn a_cut_or_extended_token_never_verifies(
        (key, token, t) in signed(),
        index in any::<prop::sample::Index>(),
        tail in "(?s).{1,8}",
    ) {
        let cut = &token[..index.index(token.len())];
        prop_assert!(key.verify_at(cut, t).is_err(), "accepted {}", cut);
        let extended = format!("{token}{tail}");
        prop_assert!(key.verify_at(&extended, t).is_err(), "accepted {}", extended);
    }

    /// The reader accepts a JSON object exactly when serde_json does and it has no key twice
    /// and nests at most 32 levels; what it keeps means what serde_json read.
    #[test]
    fn the_reader_agrees_with_serde_json(text in json_like()) {
        let ours = PlaybackGrant::from_json(&text);
        let expected = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(_)) => {
                let (dup, depth) = duplicates_and_depth(&Json::parse(&text));
                !dup && depth <= 32
            }
            _ => false,
        };
        prop_assert_eq!(ours.is_ok(), expected, "{:?}", ours);
        if let Ok(ours) = ours {
            let a: serde_json::Value = serde_json::from_str(ours.as_json()).unwrap();
            let b: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert!(same(&a, &b), "{} / {}", a, b);
            prop_assert_eq!(PlaybackGrant::from_json(ours.as_json()).unwrap(), ours);
        }
    }

    /// Random text never panics the verifier or the constructors.
    #[test]
    fn random_text_never_panics(s in "(?s).{0,300}") {
        let key = key("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef");
        prop_assert!(key.verify_at(&s, 0).is_err());
        let _ = Identity::new(&s);
        let _ = Region::new(&s);
        let _ = PlaybackGrant::from_json(&s);
        let _ = ApiKey::new(&s, &s, s.clone());
    }
}
