//! Heap allocations of signing and verifying, counted by a global allocator: deterministic,
//! unlike timing, and pinned exactly.
//!
//! - `Policy::sign_at` and `Signer::sign_at` make exactly one, the token's text, at its final
//!   size; `Policy::signer` makes one, the prefix it keeps.
//! - A policy of `capability!` or `access_token!` with `{expr}` values, given the values ready,
//!   makes none; signing it makes one, the token's text (its template is encoded on first use,
//!   once, before the counting).
//! - `verify_at` makes one per client name, one for parameters (or filters) when there is one
//!   pair and two when there are more, however many; none for a payload of up to 1 KiB (decoded
//!   on the stack), one for a longer one; one per scope URI of another service; keys written
//!   with escapes, none each (one buffer per object holds them all).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability_runtime::{AppSid, ClientName, Credentials, Policy};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers to `System`, only counting calls on the current thread.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations (and reallocations) `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let value = f();
    (ALLOCATIONS.with(Cell::get) - before, value)
}

fn credentials() -> Credentials {
    Credentials::new(
        "AC0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap()
}

fn app() -> AppSid {
    AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap()
}

fn alice() -> ClientName {
    ClientName::new("Alice").unwrap()
}

/// `n` parameters that need encoding.
fn params(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("key {i} & more"), format!("välue {i} = 😀")))
        .collect()
}

/// Incoming, outgoing with `n` parameters, and events with `n` filters.
fn all_three(n: usize) -> Policy {
    Policy::builder()
        .incoming(alice())
        .outgoing(app(), params(n))
        .events(params(n))
        .build()
        .unwrap()
}

#[test]
fn signing_makes_exactly_one_allocation() {
    let credentials = credentials();
    for policy in [
        Policy::builder().incoming(alice()).build().unwrap(),
        all_three(0),
        all_three(1),
        all_three(20),
    ] {
        let (n, signer) = allocations(|| policy.signer(&credentials));
        assert_eq!(n, 1, "Policy::signer: {policy:?}");
        // Expiries of every length, and the clamped end of time.
        for issued_at in [0, 9, 1_700_000_000, u64::MAX] {
            let (n, token) = allocations(|| policy.sign_at(&credentials, issued_at));
            assert_eq!(n, 1, "sign_at: {policy:?}");
            let (n, same) = allocations(|| signer.sign_at(issued_at));
            assert_eq!(n, 1, "Signer::sign_at: {policy:?}");
            assert_eq!(same, token);
            // Allocated at its final size, never grown.
            for text in [token.into_string(), same.into_string()] {
                assert_eq!(text.capacity(), text.len());
            }
        }
    }
}

/// What `capability! { incoming {user}; outgoing {app} { Foo = "Bar", To = {to} }; ttl 1h; }`
/// expands to (`capability-macros`' expansion tests pin it): the template of the policy, and
/// the policy with the values.
mod expansion {
    use capability_runtime::__private::{
        CapabilitySpec, CapabilityTemplate, HoleValue, SpecGrant, Src,
    };
    use capability_runtime::{AppSid, ClientName, Error, Policy};

    static TEMPLATE: CapabilityTemplate = CapabilityTemplate::new(CapabilitySpec {
        grants: &[
            SpecGrant::Incoming(Src::Hole(0)),
            SpecGrant::Outgoing {
                app_sid: Src::Hole(1),
                params: &[("Foo", Src::Lit("Bar")), ("To", Src::Hole(2))],
            },
        ],
        ttl_secs: 3600,
    });

    static NAMES_ONLY: CapabilityTemplate = CapabilityTemplate::new(CapabilitySpec {
        grants: &[
            SpecGrant::Incoming(Src::Hole(0)),
            SpecGrant::Outgoing {
                app_sid: Src::Hole(1),
                params: &[("Foo", Src::Lit("Bar"))],
            },
        ],
        ttl_secs: 3600,
    });

    pub fn policy(user: ClientName, app: AppSid, to: String) -> Result<Policy, Error> {
        TEMPLATE.checked_policy([
            HoleValue::Name(user),
            HoleValue::Sid(app),
            HoleValue::Text(to),
        ])
    }

    pub fn per_user(user: ClientName, app: AppSid) -> Policy {
        NAMES_ONLY.policy([HoleValue::Name(user), HoleValue::Sid(app)])
    }
}

#[test]
fn a_template_policy_allocates_only_the_token() {
    let credentials = credentials();
    // The templates are encoded on first use.
    drop(expansion::per_user(alice(), app()));
    drop(expansion::policy(alice(), app(), String::new()));
    for (name, to) in [
        ("a", "x"),
        ("Alice", "+1 555 & é"),
        ("n".repeat(121).as_str(), ""),
    ] {
        let name = ClientName::new(name).unwrap();
        // The values, ready.
        let (user, app, to) = (name.clone(), app(), to.to_owned());
        let (n, policy) = allocations(move || expansion::policy(user, app, to));
        assert_eq!(n, 0, "the policy with {name}");
        let policy = policy.unwrap();
        let user = name.clone();
        let (n, per_user) = allocations(move || expansion::per_user(user, app));
        assert_eq!(n, 0, "the policy with {name}");
        for issued_at in [0, 9, 1_700_000_000, u64::MAX] {
            for policy in [&policy, &per_user] {
                let (n, token) = allocations(|| policy.sign_at(&credentials, issued_at));
                assert_eq!(n, 1, "sign_at: {policy:?}");
                let built = Policy::builder()
                    .incoming(policy.grants().incoming().unwrap().clone())
                    .outgoing(app, policy.grants().outgoing().unwrap().params().iter())
                    .build()
                    .unwrap();
                assert_eq!(token, built.sign_at(&credentials, issued_at));
                let text = token.into_string();
                assert_eq!(text.capacity(), text.len());
            }
        }
    }
}

/// The allocations of verifying what `policy` signs, less the one of a payload over 1 KiB
/// (checked here: there is one exactly then).
fn verify_allocations(policy: &Policy) -> usize {
    let credentials = credentials();
    let token = policy.sign_at(&credentials, 1_700_000_000);
    let payload = URL_SAFE_NO_PAD
        .decode(token.as_str().split('.').nth(1).unwrap())
        .unwrap();
    let (n, verified) = allocations(|| credentials.verify_at(token.as_str(), 1_700_000_001));
    assert_eq!(verified.unwrap().grants(), policy.grants());
    let long = usize::from(payload.len() > 1024);
    let (m, _) = allocations(|| credentials.verify_at(token.as_str(), 1_700_000_001));
    assert_eq!(n, m, "the same every time");
    n.checked_sub(long)
        .expect("a long payload takes an allocation")
}

#[test]
fn verify_at_makes_exactly_the_allocations_its_grants_hold() {
    let outgoing = |n: usize| {
        Policy::builder()
            .outgoing(app(), params(n))
            .build()
            .unwrap()
    };
    let events = |n: usize| Policy::builder().events(params(n)).build().unwrap();
    let incoming = Policy::builder().incoming(alice()).build().unwrap();
    let design_card = Policy::builder()
        .incoming(alice())
        .outgoing(app(), [("Foo", "Bar")])
        .build()
        .unwrap();

    // A client name: one.
    assert_eq!(verify_allocations(&incoming), 1);
    // Parameters: none, one for one pair, two for more, however many.
    assert_eq!(verify_allocations(&outgoing(0)), 0);
    assert_eq!(verify_allocations(&outgoing(1)), 1);
    for n in [2, 5, 20, 50] {
        assert_eq!(verify_allocations(&outgoing(n)), 2, "{n} parameters");
        assert_eq!(verify_allocations(&events(n)), 2, "{n} filters");
    }
    assert_eq!(verify_allocations(&events(0)), 0);
    assert_eq!(verify_allocations(&events(1)), 1);
    // The design card: two client names (incoming, and the caller of outgoing), one pair.
    assert_eq!(verify_allocations(&design_card), 3);
    // All three: one name, then a name and the pairs, then the filters.
    assert_eq!(verify_allocations(&all_three(1)), 1 + 2 + 1);
    assert_eq!(verify_allocations(&all_three(2)), 1 + 3 + 2);
    assert_eq!(verify_allocations(&all_three(50)), 1 + 3 + 2);
}

#[test]
fn a_payload_over_1_kib_takes_one_allocation() {
    let credentials = credentials();
    let policy = all_three(20);
    assert!(policy.scope().len() > 1024);
    let token = policy.sign_at(&credentials, 1_700_000_000);
    let (n, _) = allocations(|| credentials.verify_at(token.as_str(), 1_700_000_001));
    assert_eq!(n, 1 + 3 + 2 + 1);
}

#[test]
fn each_scope_uri_of_another_service_takes_one_allocation() {
    let credentials = credentials();
    // The vector of `other_scopes` takes one allocation, and one more each time it doubles
    // past 4, 8, 16.
    for (others, vector) in [(0, 0), (1, 1), (4, 1), (5, 2), (17, 4), (32, 4)] {
        let scope = format!(
            "scope:client:incoming?clientName=Alice{}",
            " scope:x:y?a=1".repeat(others)
        );
        let claims = format!(
            r#"{{"scope":"{scope}","iss":"AC0123456789abcdef0123456789abcdef","exp":1700003600}}"#
        );
        let input = format!(
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.{}",
            URL_SAFE_NO_PAD.encode(&claims)
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"0123456789abcdef0123456789abcdef").unwrap();
        mac.update(input.as_bytes());
        let token = format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        );
        let long = usize::from(claims.len() > 1024);
        let (n, verified) = allocations(|| credentials.verify_at(&token, 1_700_000_001));
        assert_eq!(verified.unwrap().grants().other_scopes().len(), others);
        // The client name, each URI kept, and the vector.
        assert_eq!(n, 1 + others + vector + long, "{others} others");
    }
}

/// Keys written with escapes are decoded into one buffer per object: a payload of many such
/// members takes the allocations of that buffer's growth and of the keys' hashes, not one per
/// key.
#[test]
fn escaped_keys_take_no_allocation_each() {
    let credentials = credentials();
    let token = |keys: usize| {
        let members: String = (0..keys).map(|i| format!(r#","\u006b{i:02}":0"#)).collect();
        let claims = format!(
            r#"{{"scope":"scope:client:incoming?clientName=Alice","iss":"AC0123456789abcdef0123456789abcdef","exp":1700003600{members}}}"#
        );
        let input = format!(
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.{}",
            URL_SAFE_NO_PAD.encode(&claims)
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"0123456789abcdef0123456789abcdef").unwrap();
        mac.update(input.as_bytes());
        format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    };
    let count = |keys| {
        let token = token(keys);
        let (n, verified) = allocations(|| credentials.verify_at(&token, 1_700_000_001));
        verified.unwrap();
        n
    };
    let (few, many) = (count(1), count(32));
    // The string doubles about five times from 1 to 32 keys, and the hashes take one vector.
    assert!(
        many - few <= 7,
        "{few} allocations for 1 key, {many} for 32"
    );
}

mod access {
    use std::time::Duration;

    use capability_runtime::{
        AccessPolicy, ApiKey, AppSid, Identity, Region, VideoGrant, VoiceGrant,
    };

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use super::allocations;

    fn key() -> ApiKey {
        ApiKey::new(
            "AC0123456789abcdef0123456789abcdef",
            "SK0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
        )
        .unwrap()
    }

    /// A voice grant with `params` parameters, whose values twilio-php escapes (`\u00e4`).
    fn voice(params: usize) -> AccessPolicy {
        voice_with(params, |i| format!("välue {i} 😀"))
    }

    fn voice_with(params: usize, value: impl Fn(usize) -> String) -> AccessPolicy {
        let params: Vec<(String, String)> = (0..params)
            .map(|i| (format!("key {i}"), value(i)))
            .collect();
        AccessPolicy::builder()
            .identity(Identity::new("Alice").unwrap())
            .voice(VoiceGrant::new().incoming().outgoing(
                AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
                params,
            ))
            .ttl(Duration::from_secs(600))
            .build()
            .unwrap()
    }

    #[test]
    fn access_sign_at_makes_exactly_one_allocation() {
        let key = key();
        let video = AccessPolicy::builder()
            .identity(Identity::new("bob").unwrap())
            .video(VideoGrant::new().room("r"))
            .region(Region::new("ie1").unwrap())
            .not_before(5)
            .build()
            .unwrap();
        for policy in [voice(0), voice(1), voice(40), video] {
            for issued_at in [0, 1_700_000_000, u64::MAX] {
                let (n, _) = allocations(|| policy.sign_at(&key, issued_at));
                assert_eq!(n, 1);
            }
        }
    }

    /// What `access_token! { identity {identity}; voice { incoming; outgoing {app} }; video;
    /// ttl 1h; }` expands to.
    fn per_user(
        identity: Identity,
        app: AppSid,
    ) -> Result<AccessPolicy, capability_runtime::Error> {
        use capability_runtime::__private::{
            AccessHoleKind, AccessHoleValue, AccessSpec, AccessTemplate,
        };
        static TEMPLATE: AccessTemplate = AccessTemplate::new(AccessSpec {
            identity: None,
            holes: &[AccessHoleKind::App],
            build: |identity, holes| {
                AccessPolicy::builder()
                    .identity(identity)
                    .voice(VoiceGrant::new().incoming().outgoing(
                        holes.app(0),
                        std::iter::empty::<(&'static str, &'static str)>(),
                    ))
                    .video(VideoGrant::new())
                    .ttl(Duration::from_secs(3600))
            },
        });
        TEMPLATE.policy(Some(identity), [AccessHoleValue::App(app)])
    }

    #[test]
    fn a_template_access_policy_allocates_only_the_token() {
        let key = key();
        let app = AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap();
        // The template is encoded on first use.
        drop(per_user(Identity::new("x").unwrap(), app));
        for name in ["a", "Alice", &"n".repeat(121)] {
            let identity = Identity::new(name).unwrap();
            let ready = identity.clone();
            let (n, policy) = allocations(move || per_user(ready, app));
            assert_eq!(n, 0, "the policy of {name}");
            let policy = policy.unwrap();
            for issued_at in [0, 1_700_000_000, u64::MAX] {
                let (n, token) = allocations(|| policy.sign_at(&key, issued_at));
                assert_eq!(n, 1, "sign_at: {name}");
                let built = AccessPolicy::builder()
                    .identity(identity.clone())
                    .voice(
                        VoiceGrant::new()
                            .incoming()
                            .outgoing(app, std::iter::empty::<(&str, &str)>()),
                    )
                    .video(VideoGrant::new())
                    .build()
                    .unwrap();
                assert_eq!(token, built.sign_at(&key, issued_at));
                let text = token.into_string();
                assert_eq!(text.capacity(), text.len());
            }
        }
    }

    /// The identity, and for outgoing parameters their text and, from the second, their
    /// offsets: the same for 2 or 8 parameters, escaped or not; past 8, one more for the hash
    /// set that finds repeated keys, which then grows only past 24.
    #[test]
    fn access_verify_at_allocates_per_field_not_per_byte() {
        let key = key();
        let plain = |i| format!("value {i}");
        let cases = [(0, 1), (1, 2), (2, 3), (8, 3), (16, 4), (24, 4)];
        for (params, expected, escaped) in cases
            .iter()
            .map(|&(p, e)| (p, e, false))
            .chain(cases.iter().map(|&(p, e)| (p, e, true)))
        {
            let policy = match escaped {
                true => voice(params),
                false => voice_with(params, plain),
            };
            let token = policy.sign_at(&key, 1_700_000_000);
            let (n, verified) = allocations(|| key.verify_at(token.as_str(), 1_700_000_001));
            assert_eq!(verified.unwrap().grants(), policy.grants());
            // And one for a payload over 1 KiB, as for capability tokens.
            let payload = token.as_str().split('.').nth(1).unwrap();
            let over = URL_SAFE_NO_PAD.decode(payload).unwrap().len() > 1024;
            assert_eq!(
                n,
                expected + usize::from(over),
                "{params} parameters, escaped: {escaped}"
            );
        }
        let token = voice(40).sign_at(&key, 1_700_000_000);
        let (n, verified) = allocations(|| key.verify_at(token.as_str(), 1_700_000_001));
        verified.unwrap();
        assert!(n <= 3 + 8, "{n}");
    }
}
