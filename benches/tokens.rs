//! Signing and verifying, side by side with the floor (the HMAC-SHA256 any HS256 signer must
//! compute) and with the `jsonwebtoken` crate, in one run on one machine.
//!
//! ```text
//! cargo bench --bench tokens
//! python3 benches/ratios.py      # the ratios of the medians, as in the README
//! ```

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{capability, AppSid, ClientName, Credentials, Policy};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
const ISSUED_AT: u64 = 1_700_000_000;

/// The benchmark policy, checked and encoded at compile time. A `static`, as a hot path should
/// hold it: a `const` is copied at each use.
static MACRO_POLICY: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar" };
    ttl 600s;
};

/// The same policy, built at run time.
fn builder_policy() -> Policy {
    Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar")],
        )
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap()
}

#[derive(Serialize, Deserialize)]
struct Claims {
    scope: String,
    iss: String,
    exp: u64,
}

fn single_thread(c: &mut Criterion) {
    let credentials = Credentials::new(ACCOUNT_SID, AUTH_TOKEN).unwrap();
    let builder = builder_policy();
    let token = MACRO_POLICY.sign_at(&credentials, ISSUED_AT);
    // The contestants must do the same job: same bytes out, and the token verifies.
    assert_eq!(token, builder.sign_at(&credentials, ISSUED_AT));
    assert!(credentials.verify_at(token.as_str(), ISSUED_AT + 1).is_ok());
    let signing_input = token.as_str().rsplit_once('.').unwrap().0.to_owned();
    let floor = Hmac::<Sha256>::new_from_slice(AUTH_TOKEN.as_bytes()).unwrap();

    // jsonwebtoken signs and verifies the same claims; it checks `exp` against the system clock,
    // so its token expires an hour from now.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = Claims {
        scope: builder.scope().to_owned(),
        iss: ACCOUNT_SID.to_owned(),
        exp: now + 3600,
    };
    let jwt_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let encoding_key = jsonwebtoken::EncodingKey::from_secret(AUTH_TOKEN.as_bytes());
    let decoding_key = jsonwebtoken::DecodingKey::from_secret(AUTH_TOKEN.as_bytes());
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_issuer(&[ACCOUNT_SID]);
    validation.set_required_spec_claims(&["exp", "iss"]);
    let jwt_token = jsonwebtoken::encode(&jwt_header, &claims, &encoding_key).unwrap();

    let mut g = c.benchmark_group("tokens");
    g.bench_function("sign_at/macro", |b| {
        b.iter(|| black_box(&MACRO_POLICY).sign_at(black_box(&credentials), black_box(ISSUED_AT)))
    });
    g.bench_function("sign_at/builder", |b| {
        b.iter(|| black_box(&builder).sign_at(black_box(&credentials), black_box(ISSUED_AT)))
    });
    g.bench_function("verify_at", |b| {
        b.iter(|| {
            credentials
                .verify_at(black_box(token.as_str()), black_box(ISSUED_AT + 1))
                .unwrap()
        })
    });
    g.bench_function("floor/hmac_sha256+base64url", |b| {
        b.iter(|| {
            let mut mac = floor.clone();
            mac.update(black_box(signing_input.as_bytes()));
            let tag = mac.finalize().into_bytes();
            let mut out = [0u8; 43];
            URL_SAFE_NO_PAD.encode_slice(tag, &mut out).unwrap();
            out
        })
    });
    g.bench_function("jsonwebtoken/encode", |b| {
        b.iter(|| jsonwebtoken::encode(&jwt_header, black_box(&claims), &encoding_key).unwrap())
    });
    g.bench_function("jsonwebtoken/decode", |b| {
        b.iter(|| {
            jsonwebtoken::decode::<Claims>(black_box(&jwt_token), &decoding_key, &validation)
                .unwrap()
        })
    });
    g.finish();
}

/// One `Credentials` and one `Policy` shared by every thread, no locks: throughput should grow
/// with the cores. Each iteration signs one token on each of `threads` threads.
fn threads(c: &mut Criterion) {
    let credentials = Credentials::new(ACCOUNT_SID, AUTH_TOKEN).unwrap();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let mut g = c.benchmark_group("threads");
    for threads in (1..=cores).filter(|n| n.is_power_of_two() || *n == cores) {
        g.throughput(Throughput::Elements(threads as u64));
        g.bench_function(format!("sign_at/{threads}"), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                thread::scope(|s| {
                    for _ in 0..threads {
                        s.spawn(|| {
                            for i in 0..iters {
                                black_box(MACRO_POLICY.sign_at(&credentials, ISSUED_AT + i));
                            }
                        });
                    }
                });
                start.elapsed()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, single_thread, threads);
criterion_main!(benches);
