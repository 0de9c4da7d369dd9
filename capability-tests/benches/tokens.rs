//! Signing and verifying, side by side with the floor (the HMAC-SHA256 any HS256 signer must
//! compute) and with the `jsonwebtoken` crate, in one run on one machine.
//!
//! ```text
//! cargo bench -p capability-tests --bench tokens
//! python3 capability-tests/benches/ratios.py    # the ratios of the medians, as in docs/performance.md
//! ```

mod contestants;

use std::hint::black_box;
use std::thread;
use std::time::Instant;

use contestants::{Contestants, ISSUED_AT, MACRO_POLICY};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn single_thread(c: &mut Criterion) {
    let contestants = Contestants::new();
    let mut g = c.benchmark_group("tokens");
    g.bench_function("sign_at/macro", |b| b.iter(|| contestants.sign_macro()));
    g.bench_function("sign_at/builder", |b| b.iter(|| contestants.sign_builder()));
    g.bench_function("signer", |b| b.iter(|| contestants.signer(false)));
    g.bench_function("verify_at", |b| b.iter(|| contestants.verify(false)));
    g.bench_function("floor/hmac_sha256+base64url", |b| {
        b.iter(|| contestants.floor(false))
    });
    g.bench_function("fifty/signer", |b| b.iter(|| contestants.signer(true)));
    g.bench_function("fifty/sign_at", |b| b.iter(|| contestants.sign_fifty()));
    g.bench_function("fifty/verify_at", |b| b.iter(|| contestants.verify(true)));
    g.bench_function("fifty/floor", |b| b.iter(|| contestants.floor(true)));
    g.bench_function("jsonwebtoken/encode", |b| {
        b.iter(|| contestants.jwt_encode())
    });
    g.bench_function("jsonwebtoken/decode", |b| {
        b.iter(|| contestants.jwt_decode())
    });
    g.finish();
}

/// One `Credentials` and one `Policy` shared by every thread, no locks: throughput should grow
/// with the cores. Each iteration signs one token on each of `threads` threads.
fn threads(c: &mut Criterion) {
    let credentials = &Contestants::new().credentials;
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
                                black_box(MACRO_POLICY.sign_at(credentials, ISSUED_AT + i));
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
