//! The performance targets as ratios, measured interleaved: in each round every contestant runs
//! a short batch, in rotating order, so a slow spell of this shared machine hits them all alike.
//! The ratio reported is the median over rounds of each round's ratio.
//!
//! ```text
//! cargo bench --bench interleaved
//! ```
//!
//! `benches/tokens.rs` measures the same contestants with criterion, one after the other.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{capability, AppSid, ClientName, Credentials, Policy};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
const ISSUED_AT: u64 = 1_700_000_000;
const ROUNDS: usize = 4000;
const BATCH: u32 = 40;

static MACRO_POLICY: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar" };
    ttl 600s;
};

/// One call of a contestant.
type Contestant<'a> = Box<dyn Fn() + 'a>;

#[derive(Serialize, Deserialize)]
struct Claims {
    scope: String,
    iss: String,
    exp: u64,
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: run either way.
    let credentials = Credentials::new(ACCOUNT_SID, AUTH_TOKEN).unwrap();
    let builder = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar")],
        )
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap();
    let token = MACRO_POLICY.sign_at(&credentials, ISSUED_AT);
    assert_eq!(token, builder.sign_at(&credentials, ISSUED_AT));
    let signing_input = token.as_str().rsplit_once('.').unwrap().0.to_owned();
    let floor = Hmac::<Sha256>::new_from_slice(AUTH_TOKEN.as_bytes()).unwrap();

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

    let contestants: Vec<(&str, Contestant)> = vec![
        (
            "sign_at, capability! policy",
            Box::new(|| {
                black_box(MACRO_POLICY.sign_at(black_box(&credentials), black_box(ISSUED_AT)));
            }),
        ),
        (
            "sign_at, builder policy",
            Box::new(|| {
                black_box(builder.sign_at(black_box(&credentials), black_box(ISSUED_AT)));
            }),
        ),
        (
            "verify_at",
            Box::new(|| {
                black_box(
                    credentials
                        .verify_at(black_box(token.as_str()), ISSUED_AT + 1)
                        .unwrap(),
                );
            }),
        ),
        (
            "floor: HMAC-SHA256 + base64url",
            Box::new(|| {
                let mut mac = floor.clone();
                mac.update(black_box(signing_input.as_bytes()));
                let mut out = [0u8; 43];
                URL_SAFE_NO_PAD
                    .encode_slice(mac.finalize().into_bytes(), &mut out)
                    .unwrap();
                black_box(out);
            }),
        ),
        (
            "jsonwebtoken encode",
            Box::new(|| {
                black_box(
                    jsonwebtoken::encode(&jwt_header, black_box(&claims), &encoding_key).unwrap(),
                );
            }),
        ),
        (
            "jsonwebtoken decode",
            Box::new(|| {
                black_box(
                    jsonwebtoken::decode::<Claims>(
                        black_box(&jwt_token),
                        &decoding_key,
                        &validation,
                    )
                    .unwrap(),
                );
            }),
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
    let targets = ["<= 1.3", "<= 1.6", "<= 1.8", "", "", ""];

    println!("interleaved: {ROUNDS} rounds of {BATCH} calls each; medians");
    println!("| benchmark | median | x floor | target |");
    println!("|---|---:|---:|---|");
    for (c, (name, _)) in contestants.iter().enumerate() {
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
}
