//! Heap allocations of signing and verifying, counted by a global allocator: deterministic,
//! unlike timing. `sign_at` makes exactly one (the token's text); `verify_at` makes a number
//! that depends on the number of scopes, not on the number of parameters or their length.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use capability::{AppSid, ClientName, Credentials, Policy};

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

/// Incoming, outgoing with `n` parameters, and events with `n` filters.
fn all_three(n: usize) -> Policy {
    let params: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("key {i} & more"),
                format!("välue {i} = 😀 {}", "x".repeat(i % 7)),
            )
        })
        .collect();
    Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(app(), params.clone())
        .events(params)
        .build()
        .unwrap()
}

#[test]
fn sign_at_makes_exactly_one_allocation() {
    let credentials = credentials();
    for policy in [
        Policy::builder()
            .incoming(ClientName::new("Alice").unwrap())
            .build()
            .unwrap(),
        all_three(0),
        all_three(1),
        all_three(20),
    ] {
        for issued_at in [0, 1_700_000_000, u64::MAX] {
            let (n, token) = allocations(|| policy.sign_at(&credentials, issued_at));
            assert_eq!(n, 1, "{policy:?}");
            // Allocated at its final size, never grown.
            let text = token.into_string();
            assert_eq!(text.capacity(), text.len());
        }
    }
}

#[test]
fn verify_at_allocations_depend_only_on_the_number_of_scopes() {
    let credentials = credentials();
    let count = |policy: &Policy| {
        let token = policy.sign_at(&credentials, 1_700_000_000);
        let (n, verified) = allocations(|| credentials.verify_at(token.as_str(), 1_700_000_001));
        assert_eq!(verified.unwrap().grants(), policy.grants());
        n
    };

    let three_scopes: Vec<usize> = [1, 2, 5, 20, 50]
        .iter()
        .map(|&n| count(&all_three(n)))
        .collect();
    assert!(
        three_scopes.iter().all(|&n| n == three_scopes[0]),
        "{three_scopes:?}"
    );

    let incoming = count(
        &Policy::builder()
            .incoming(ClientName::new("Alice").unwrap())
            .build()
            .unwrap(),
    );
    let outgoing = |n: usize| {
        let params: Vec<(String, String)> = (0..n)
            .map(|i| (format!("k{i}"), format!("v {i}")))
            .collect();
        count(&Policy::builder().outgoing(app(), params).build().unwrap())
    };
    assert_eq!(outgoing(1), outgoing(30));

    // Small, and bounded per scope: the payload's bytes, then a few per scope.
    assert!(incoming <= 3, "incoming only: {incoming}");
    assert!(three_scopes[0] <= 12, "three scopes: {}", three_scopes[0]);
    println!(
        "verify_at allocations: incoming {incoming}, outgoing {}, all three {}",
        outgoing(1),
        three_scopes[0]
    );
}

mod access {
    use std::time::Duration;

    use capability::{AccessPolicy, ApiKey, AppSid, Identity, Region, VideoGrant, VoiceGrant};

    use super::allocations;

    fn key() -> ApiKey {
        ApiKey::new(
            "AC0123456789abcdef0123456789abcdef",
            "SK0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
        )
        .unwrap()
    }

    fn voice(params: usize) -> AccessPolicy {
        let params: Vec<(String, String)> = (0..params)
            .map(|i| (format!("key {i}"), format!("välue {i} 😀")))
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

    /// The identity, and for outgoing parameters their text and their offsets: the same for 1
    /// or 8 parameters, escaped or not; past 8, the hash set that finds repeated keys grows.
    #[test]
    fn access_verify_at_allocates_per_field_not_per_byte() {
        let key = key();
        for (params, expected) in [(0, 1), (1, 3), (8, 3)] {
            let token = voice(params).sign_at(&key, 1_700_000_000);
            let (n, verified) = allocations(|| key.verify_at(token.as_str(), 1_700_000_001));
            verified.unwrap();
            assert_eq!(n, expected, "{params} parameters");
        }
        let token = voice(40).sign_at(&key, 1_700_000_000);
        let (n, verified) = allocations(|| key.verify_at(token.as_str(), 1_700_000_001));
        verified.unwrap();
        assert!(n <= 3 + 8, "{n}");
    }
}
