//! The performance targets as ratios, measured interleaved: in each round every contestant runs
//! a short batch, in rotating order, so a slow spell of this shared machine hits them all alike.
//! The ratio reported is the median over rounds of each round's ratio.
//!
//! ```text
//! cargo bench -p capability-tests --bench interleaved
//! ```
//!
//! `benches/tokens.rs` measures the same contestants with criterion, one after the other.

mod contestants;

use std::hint::black_box;
use std::time::Instant;

use contestants::access::AccessContestants;
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

fn main() {
    let c = Contestants::new();
    let a = AccessContestants::new();
    let contestants: Vec<(&str, Contestant)> = vec![
        ("sign_at, capability! policy", call(|| c.sign_macro())),
        ("sign_at, builder policy", call(|| c.sign_builder())),
        ("verify_at", call(|| c.verify())),
        ("floor: HMAC-SHA256 + base64url", call(|| c.floor())),
        ("jsonwebtoken encode", call(|| c.jwt_encode())),
        ("jsonwebtoken decode", call(|| c.jwt_decode())),
        ("Access Token sign_at", call(|| a.sign())),
        ("Access Token verify_at", call(|| a.verify())),
        (
            "Access Token floor: HMAC-SHA256 + base64url",
            call(|| a.floor()),
        ),
    ];

    // Warm up, then measure: times[c][round] in ns per call.
    let mut times = vec![Vec::with_capacity(ROUNDS); contestants.len()];
    for round in 0..ROUNDS + ROUNDS / 10 {
        for i in 0..contestants.len() {
            let c = (round + i) % contestants.len();
            let start = Instant::now();
            for _ in 0..BATCH {
                (contestants[c].1)();
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
    let ratio =
        |a: usize, b: usize| median(times[a].iter().zip(&times[b]).map(|(x, y)| x / y).collect());
    let (sign_macro, sign_builder, verify, floor_i, jwt_encode, jwt_decode) = (0, 1, 2, 3, 4, 5);
    let (access_sign, access_verify, access_floor) = (6, 7, 8);
    let targets = [
        "<= 1.3", "<= 1.6", "<= 1.8", "", "", "", "<= 1.3", "<= 2", "",
    ];

    println!("interleaved: {ROUNDS} rounds of {BATCH} calls each; medians");
    println!("| benchmark | median | x floor | target |");
    println!("|---|---:|---:|---|");
    for (c, (name, _)) in contestants.iter().enumerate().take(access_sign) {
        println!(
            "| {name} | {:.0} ns | {:.2} | {} |",
            median(times[c].clone()),
            ratio(c, floor_i),
            targets[c]
        );
    }
    println!(
        "jsonwebtoken encode / capability! sign_at: {:.2}x (target >= 2)",
        ratio(jwt_encode, sign_macro)
    );
    println!(
        "jsonwebtoken encode / builder sign_at:     {:.2}x",
        ratio(jwt_encode, sign_builder)
    );
    println!(
        "jsonwebtoken decode / verify_at:           {:.2}x (target >= 2)",
        ratio(jwt_decode, verify)
    );
    println!();
    println!("Access Tokens, against the floor of their own signing input:");
    println!("| benchmark | median | x floor | target |");
    println!("|---|---:|---:|---|");
    for (c, (name, _)) in contestants.iter().enumerate().skip(access_sign) {
        println!(
            "| {name} | {:.0} ns | {:.2} | {} |",
            median(times[c].clone()),
            ratio(c, access_floor),
            targets[c]
        );
    }
    let _ = (access_verify, access_sign);
}
