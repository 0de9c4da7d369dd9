//! The performance targets as ratios, measured interleaved: in each round every contestant runs
//! a short batch, in rotating order, so a slow spell of this shared machine hits them all alike.
//! The ratio reported is the median over rounds of each round's ratio.
//!
//! ```text
//! cargo bench --bench interleaved
//! ```
//!
//! `benches/tokens.rs` measures the same contestants with criterion, one after the other.

mod contestants;

use std::hint::black_box;
use std::time::Instant;

use contestants::Contestants;

const ROUNDS: usize = 4000;
const BATCH: u32 = 40;

/// One call of a contestant, its result dropped.
type Contestant<'a> = Box<dyn Fn() + 'a>;

fn call<'a, T>(f: impl Fn() -> T + 'a) -> Contestant<'a> {
    Box::new(move || {
        black_box(f());
    })
}

/// Names the contestants' indices.
#[derive(Clone, Copy)]
enum C {
    SignMacro,
    SignBuilder,
    Signer,
    Verify,
    Floor,
    JwtEncode,
    JwtDecode,
    Signer50,
    Sign50,
    Verify50,
    Floor50,
}

fn main() {
    let c = Contestants::new();
    let contestants: Vec<(C, &str, Contestant)> = vec![
        (
            C::SignMacro,
            "`sign_at`, `capability!` policy",
            call(|| c.sign_macro()),
        ),
        (
            C::SignBuilder,
            "`sign_at`, `Policy::builder()` policy",
            call(|| c.sign_builder()),
        ),
        (C::Signer, "`Signer::sign_at`", call(|| c.signer(false))),
        (C::Verify, "`verify_at`", call(|| c.verify(false))),
        (
            C::Floor,
            "floor: HMAC-SHA256 + base64url",
            call(|| c.floor(false)),
        ),
        (
            C::JwtEncode,
            "`jsonwebtoken` encode",
            call(|| c.jwt_encode()),
        ),
        (
            C::JwtDecode,
            "`jsonwebtoken` decode + verify",
            call(|| c.jwt_decode()),
        ),
        (
            C::Signer50,
            "`Signer::sign_at`, 50 parameters",
            call(|| c.signer(true)),
        ),
        (
            C::Sign50,
            "`sign_at`, 50 parameters",
            call(|| c.sign_fifty()),
        ),
        (
            C::Verify50,
            "`verify_at`, 50 parameters",
            call(|| c.verify(true)),
        ),
        (C::Floor50, "floor, 50 parameters", call(|| c.floor(true))),
    ];
    for (i, (id, _, _)) in contestants.iter().enumerate() {
        assert_eq!(*id as usize, i);
    }

    // Warm up, then measure: times[c][round] in ns per call.
    let n = contestants.len();
    let mut times = vec![Vec::with_capacity(ROUNDS); n];
    for round in 0..ROUNDS + ROUNDS / 10 {
        for i in 0..n {
            let c = (round + i) % n;
            let start = Instant::now();
            for _ in 0..BATCH {
                (contestants[c].2)();
            }
            let ns = start.elapsed().as_nanos() as f64 / f64::from(BATCH);
            if round >= ROUNDS / 10 {
                times[c].push(ns);
            }
        }
    }

    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ratio = |a: C, b: C| {
        median(
            times[a as usize]
                .iter()
                .zip(&times[b as usize])
                .map(|(x, y)| x / y)
                .collect(),
        )
    };
    let (floor_of, target): (fn(C) -> C, fn(C) -> &'static str) = (
        |c| match c {
            C::Signer50 | C::Sign50 | C::Verify50 | C::Floor50 => C::Floor50,
            _ => C::Floor,
        },
        |c| match c {
            C::SignMacro => "<= 1.3",
            C::SignBuilder => "<= 1.6",
            C::Signer => "<= 0.65",
            C::Verify => "<= 1.8",
            C::Signer50 => "<= 0.25",
            C::Verify50 => "<= 2",
            _ => "",
        },
    );

    println!("interleaved: {ROUNDS} rounds of {BATCH} calls each; medians");
    println!("| benchmark | median | x floor | target |");
    println!("|---|---:|---:|---|");
    for (id, name, _) in &contestants {
        println!(
            "| {name} | {:.0} ns | {:.2} | {} |",
            median(times[*id as usize].clone()),
            ratio(*id, floor_of(*id)),
            target(*id)
        );
    }
    for (a, b, what, goal) in [
        (
            C::JwtEncode,
            C::Signer,
            "jsonwebtoken encode / Signer::sign_at",
            ">= 4",
        ),
        (
            C::JwtEncode,
            C::SignMacro,
            "jsonwebtoken encode / capability! sign_at",
            ">= 2",
        ),
        (
            C::JwtDecode,
            C::Verify,
            "jsonwebtoken decode / verify_at",
            ">= 3",
        ),
    ] {
        println!("{what}: {:.2}x (target {goal})", ratio(a, b));
    }
}
