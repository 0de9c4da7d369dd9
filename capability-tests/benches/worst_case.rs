//! Verification work is linear in the token's length for any input: the worst tokens we can
//! construct, each as long as a valid token it is compared with, measured interleaved (see
//! `contestants::interleave`). Reported: the median over rounds of the ratio of the hostile
//! token's `verify_at` to the valid token's. The goal is at most 3 for every row.
//!
//! ```text
//! cargo bench --bench worst_case
//! ```

mod contestants;

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{Credentials, Policy, MAX_TOKEN_LEN};
use contestants::{call, interleave, median, median_ratio, Contestant};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const ACCOUNT_SID: &str = contestants::ACCOUNT_SID;
const NOW: u64 = contestants::ISSUED_AT + 1;
const ROUNDS: usize = 600;
const BATCH: u32 = 4;
/// The length of every token compared, within a few bytes: near the size limit.
const LEN: usize = MAX_TOKEN_LEN - 400;
const PHP_HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `header.payload` signed with the credentials' key; `junk` signs it with another key.
fn sign(header: &str, payload: &str, junk: bool) -> String {
    let key = if junk {
        "not the key"
    } else {
        contestants::AUTH_TOKEN
    };
    let input = format!("{}.{}", b64(header), b64(payload));
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(mac.finalize().into_bytes()))
}

/// The claims of a valid token: `scope`, the issuer and an expiry an hour on.
fn claims(scope: &str, extra: &str) -> String {
    format!(
        r#"{{"scope":"{scope}","iss":"{ACCOUNT_SID}","exp":{}{extra}}}"#,
        NOW + 3600
    )
}

/// The longest `make(n)` no longer than `LEN`, by bisection on `n`.
fn at_len(make: impl Fn(usize) -> String) -> String {
    let (mut fits, mut over) = (0, LEN);
    while over - fits > 1 {
        let mid = (fits + over) / 2;
        match make(mid).len() <= LEN {
            true => fits = mid,
            false => over = mid,
        }
    }
    make(fits)
}

/// `n` members `"k<i>":0`: unique short keys.
fn members(n: usize) -> String {
    (0..n).map(|i| format!(r#","k{i}":0"#)).collect()
}

/// The most members allowed besides the known ones (`others` of them), with keys of `n`
/// characters written as `\u` escapes, all alike but for their last two: each compared whole
/// with each.
fn long_members(others: usize, n: usize) -> String {
    (0..others)
        .map(|i| format!(r#","{}{i:02}":0"#, r"\u0061".repeat(n)))
        .collect()
}

fn main() {
    let credentials = Credentials::new(ACCOUNT_SID, contestants::AUTH_TOKEN).unwrap();
    // The valid token: a policy whose filter value fills the token.
    let valid = at_len(|n| {
        Policy::builder()
            .events([("Filter", "value ".repeat(n / 6))])
            .build()
            .map(|p| {
                p.sign_at(&credentials, contestants::ISSUED_AT)
                    .into_string()
            })
            .unwrap_or_else(|_| "x".repeat(LEN + 1))
    });
    assert!(credentials.verify_at(&valid, NOW).is_ok());

    let incoming = "scope:client:incoming?clientName=Alice";
    let hostile: Vec<(&str, String)> = vec![
        (
            "header: unique keys (refused after 32)",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256"{}}}"#, members(n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "header: 31 long escaped keys alike, before a wrong signature",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","typ":"JWT"{}}}"#, long_members(31, n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "header: an `alg` of `\\u` escapes",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256{}"}}"#, r"\u0061".repeat(n));
                sign(&header, &claims(incoming, ""), false)
            }),
        ),
        (
            "header: nesting in an ignored member",
            at_len(|n| {
                let header = format!(
                    r#"{{"alg":"HS256","x":{}{}}}"#,
                    "[".repeat(n),
                    "]".repeat(n)
                );
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "payload: unique keys (refused after 32)",
            at_len(|n| sign(PHP_HEADER, &claims(incoming, &members(n)), false)),
        ),
        (
            "payload: 32 long escaped keys alike",
            at_len(|n| sign(PHP_HEADER, &claims(incoming, &long_members(32, n)), false)),
        ),
        (
            "payload: nesting in an ignored member",
            at_len(|n| {
                let deep = format!(r#","x":{}{}"#, "[".repeat(n), "]".repeat(n));
                sign(PHP_HEADER, &claims(incoming, &deep), false)
            }),
        ),
        (
            "payload: a scope of `\\u` escapes",
            at_len(|n| {
                let scope = format!("{incoming} {}", r"\u0061".repeat(n));
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "payload: a 16 KB number as `exp`",
            at_len(|n| {
                let payload = format!(
                    r#"{{"scope":"{incoming}","iss":"{ACCOUNT_SID}","exp":1{}}}"#,
                    "0".repeat(n)
                );
                sign(PHP_HEADER, &payload, false)
            }),
        ),
        (
            "scope: a client name of escapes",
            at_len(|n| {
                let scope = format!("scope:client:incoming?clientName={}", "%41".repeat(n));
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "scope: one-character URIs of other services (refused after 32)",
            at_len(|n| {
                let scope = format!("{incoming}{}", " a".repeat(n));
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "scope: 32 long URIs of other services",
            at_len(|n| {
                let scope = format!(
                    "{incoming}{}",
                    format!(" scope:x:{}", "y".repeat(n)).repeat(32)
                );
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "scope: URIs of other services with many parameters",
            at_len(|n| {
                let scope = format!("{incoming} scope:x:y?{}", "a=b&".repeat(n));
                sign(PHP_HEADER, &claims(scope.trim_end_matches('&'), ""), false)
            }),
        ),
        (
            "scope: parameters, one pair each three bytes",
            at_len(|n| {
                let params = vec!["a%3D"; n].join("%26");
                let scope =
                    format!("scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params={params}");
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "scope: parameters of escapes in escapes",
            at_len(|n| {
                let params = format!("a%3D{}", "%2525".repeat(n));
                let scope =
                    format!("scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params={params}");
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "scope: parameters in twilio-php's layout but for their last byte (read twice)",
            at_len(|n| {
                let params = format!("{}+", vec!["Param%3Dvalue%2B01"; n].join("%26"));
                let scope =
                    format!("scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params={params}");
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "scope: general reader, parameters in reverse order",
            at_len(|n| {
                let scope = format!(
                    "scope:stream:subscribe?params={}&path=%2F2010-04-01%2FEvents",
                    vec!["a%3D%2B"; n].join("%26")
                );
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        ("segments: dots", ".".repeat(LEN)),
    ];

    println!("valid token: {} bytes", valid.len());
    let credentials = &credentials;
    let mut calls: Vec<Contestant> = vec![call(|| credentials.verify_at(black_box(&valid), NOW))];
    for (name, token) in &hostile {
        let result = credentials.verify_at(token, NOW);
        println!(
            "  {name}: {} bytes, {}",
            token.len(),
            match &result {
                Ok(_) => "accepted".to_owned(),
                Err(e) => e.to_string().chars().take(70).collect(),
            }
        );
        calls.push(call(move || credentials.verify_at(black_box(token), NOW)));
    }
    let times = interleave(&calls, ROUNDS, BATCH);

    println!("\ninterleaved: {ROUNDS} rounds of {BATCH} calls each; medians");
    println!("| input ({LEN} bytes or a few less) | median | × valid token | goal |");
    println!("|---|---:|---:|---|");
    println!(
        "| valid token (a 16 KB filter) | {:.0} ns | 1.00 | |",
        median(times[0].clone())
    );
    for (i, (name, _)) in hostile.iter().enumerate() {
        println!(
            "| {name} | {:.0} ns | {:.2} | ≤ 3 |",
            median(times[i + 1].clone()),
            median_ratio(&times[i + 1], &times[0])
        );
    }
}
