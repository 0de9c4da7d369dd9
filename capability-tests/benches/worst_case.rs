//! Verification work is linear in the token's length for any input: the worst tokens we can
//! construct, each as long as a valid token it is compared with, measured interleaved (see
//! `contestants::interleave`). Reported: the median over rounds of the ratio of the hostile
//! token's time to the valid token's, and the spread of that ratio (its 10th to 90th
//! percentile over rounds). The goal is at most 3 for every row. Four tables, each interleaved
//! on its own: capability tokens through `Credentials::verify_at`, Access Tokens through
//! `ApiKey::verify_at`, and both kinds through `inspect_at`.
//!
//! ```text
//! cargo bench -p capability-tests --bench worst_case
//! ```

mod contestants;

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{
    inspect_at, AccessPolicy, ApiKey, AppSid, Credentials, Identity, Policy, VoiceGrant,
    MAX_OUTGOING_PARAMS, MAX_TOKEN_LEN,
};
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
    sign_with(contestants::AUTH_TOKEN, header, payload, junk)
}

/// `header.payload` signed with `key`, or with another key when `junk`.
fn sign_with(key: &str, header: &str, payload: &str, junk: bool) -> String {
    let key = if junk { "not the key" } else { key };
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

/// `n` integers of seven digits, each followed by a comma.
fn integers(n: usize) -> String {
    (0..n).map(|i| format!("{},", 1_000_000 + i)).collect()
}

/// `n` floats with a fraction and an exponent, each followed by a comma.
fn floats(n: usize) -> String {
    (0..n).map(|i| format!("{i}.5e-3,")).collect()
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
            "header: an array of integers, before a wrong signature",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","x":[{}0]}}"#, integers(n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "header: an array of floats, before a wrong signature",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","x":[{}0]}}"#, floats(n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "header: distinct keys in a nested object",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","x":{{"a":0{}}}}}"#, members(n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "header: a long string of `\\u` escapes in an ignored member",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","x":"{}"}}"#, r"\u0061".repeat(n));
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
            "payload: an array of integers",
            at_len(|n| {
                let extra = format!(r#","x":[{}0]"#, integers(n));
                sign(PHP_HEADER, &claims(incoming, &extra), false)
            }),
        ),
        (
            "payload: an array of floats",
            at_len(|n| {
                let extra = format!(r#","x":[{}0]"#, floats(n));
                sign(PHP_HEADER, &claims(incoming, &extra), false)
            }),
        ),
        (
            "payload: distinct keys in a nested object",
            at_len(|n| {
                let extra = format!(r#","x":{{"a":0{}}}"#, members(n));
                sign(PHP_HEADER, &claims(incoming, &extra), false)
            }),
        ),
        (
            "payload: a long string of `\\u` escapes in an ignored member",
            at_len(|n| {
                let extra = format!(r#","x":"{}""#, r"\u0061".repeat(n));
                sign(PHP_HEADER, &claims(incoming, &extra), false)
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
        (
            "header: one-digit integers (refused after 256 values), before a wrong signature",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","x":[{}0]}}"#, "0,".repeat(n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "header: `\\n` escapes in an ignored member, before a wrong signature",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","x":"{}"}}"#, r"\n".repeat(n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "payload: empty objects in an array (refused after 256 values)",
            at_len(|n| {
                let extra = format!(r#","x":[{}0]"#, "{},".repeat(n));
                sign(PHP_HEADER, &claims(incoming, &extra), false)
            }),
        ),
        (
            "payload: a byte and a `\\n` escape, repeated, in an ignored member",
            at_len(|n| {
                let extra = format!(r#","x":"{}""#, r"a\n".repeat(n));
                sign(PHP_HEADER, &claims(incoming, &extra), false)
            }),
        ),
        (
            "payload: a scope of a byte and a `\\n` escape, repeated",
            at_len(|n| {
                let scope = format!("{incoming} {}", r"a\n".repeat(n));
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "header: a character beyond ASCII and a `\\n` escape, repeated, before a wrong signature",
            at_len(|n| {
                let header = format!(r#"{{"alg":"HS256","x":"{}"}}"#, r"é\n".repeat(n));
                sign(&header, &claims(incoming, ""), true)
            }),
        ),
        (
            "payload: a scope of a character beyond ASCII and a `\\n` escape, repeated",
            at_len(|n| {
                let scope = format!("{incoming} {}", r"é\n".repeat(n));
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        (
            "payload: a scope of 17 plain bytes and a `\\n` escape, repeated",
            at_len(|n| {
                let scope = format!("{incoming} {}", r"aaaaaaaaaaaaaaaaa\n".repeat(n));
                sign(PHP_HEADER, &claims(&scope, ""), false)
            }),
        ),
        ("segments: dots", ".".repeat(LEN)),
    ];

    println!("valid capability token: {} bytes", valid.len());
    let verify = |token: &str| credentials.verify_at(token, NOW).map(|_| ());
    table(
        "capability tokens, `Credentials::verify_at`",
        "valid token (a 16 KB filter)",
        &valid,
        &hostile,
        &verify,
    );
    let inspect = |token: &str| inspect_at(token, NOW).map(|_| ());
    table(
        "capability tokens, `inspect_at`",
        "valid token (a 16 KB filter)",
        &valid,
        &hostile,
        &inspect,
    );

    let (valid_access, hostile_access) = access_tokens();
    let key = ApiKey::new(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET).unwrap();
    assert!(key.verify_at(&valid_access, NOW).is_ok());
    println!("\nvalid Access Token: {} bytes", valid_access.len());
    let verify_access = |token: &str| key.verify_at(token, NOW).map(|_| ());
    table(
        "Access Tokens, `ApiKey::verify_at`",
        "valid token (a 16 KB parameter)",
        &valid_access,
        &hostile_access,
        &verify_access,
    );
    table(
        "Access Tokens, `inspect_at`",
        "valid token (a 16 KB parameter)",
        &valid_access,
        &hostile_access,
        &inspect,
    );
}

/// One table: `call` on the valid token and on each hostile one, interleaved; each row the
/// median time and the median (and 10th–90th percentile) of its ratio to the valid token's.
fn table<E: std::fmt::Display>(
    title: &str,
    valid_name: &str,
    valid: &str,
    hostile: &[(&str, String)],
    call_on: &dyn Fn(&str) -> Result<(), E>,
) {
    println!("\n{title}");
    for (name, token) in hostile {
        println!(
            "  {name}: {} bytes, {}",
            token.len(),
            match call_on(token) {
                Ok(()) => "accepted".to_owned(),
                Err(e) => e.to_string().chars().take(70).collect(),
            }
        );
    }
    let mut calls: Vec<Contestant> = vec![call(|| call_on(black_box(valid)).is_ok())];
    for (_, token) in hostile {
        calls.push(call(move || call_on(black_box(token)).is_ok()));
    }
    let times = interleave(&calls, ROUNDS, BATCH);
    println!("\ninterleaved: {ROUNDS} rounds of {BATCH} calls each; medians");
    println!("| input ({LEN} bytes or a few less) | median | × valid token | 10th–90th percentile | goal |");
    println!("|---|---:|---:|---:|---|");
    println!(
        "| {valid_name} | {:.0} ns | 1.00 | | |",
        median(times[0].clone())
    );
    for (i, (name, _)) in hostile.iter().enumerate() {
        let mut ratios: Vec<f64> = times[i + 1]
            .iter()
            .zip(&times[0])
            .map(|(x, y)| x / y)
            .collect();
        ratios.sort_by(f64::total_cmp);
        let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q) as usize];
        println!(
            "| {name} | {:.0} ns | {:.2} | {:.2}–{:.2} | ≤ 3 |",
            median(times[i + 1].clone()),
            median_ratio(&times[i + 1], &times[0]),
            at(0.1),
            at(0.9),
        );
    }
}

const API_KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
const API_KEY_SECRET: &str = "0123456789abcdef0123456789abcdef";
const ACCESS_HEADER: &str = r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}"#;

/// Access Token claims of `grants` (a JSON object's members), then `extra` members.
fn access_claims(grants: &str, extra: &str) -> String {
    format!(
        r#"{{"jti":"{API_KEY_SID}-{iat}","grants":{{{grants}}},"iat":{iat},"exp":{exp},"iss":"{API_KEY_SID}","sub":"{ACCOUNT_SID}"{extra}}}"#,
        iat = contestants::ISSUED_AT,
        exp = NOW + 3600,
    )
}

/// An Access Token of these JSON texts, signed with the API key's secret or, `junk`, another.
fn access(header: &str, claims: &str, junk: bool) -> String {
    sign_with(API_KEY_SECRET, header, claims, junk)
}

/// The valid Access Token (a Voice grant whose parameter fills the token) and the hostile ones:
/// headers with a junk signature, full of what a reader must skip or convert (numbers, floats,
/// distinct keys, nesting, long escaped strings); claims, correctly signed, full of the same.
fn access_tokens() -> (String, Vec<(&'static str, String)>) {
    let key = ApiKey::new(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET).unwrap();
    let app = AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap();
    let valid = at_len(|n| {
        AccessPolicy::builder()
            .identity(Identity::new("alice").unwrap())
            .voice(VoiceGrant::new().outgoing(app, [("Filter", "value ".repeat(n / 6))]))
            .build()
            .map(|p| p.sign_at(&key, contestants::ISSUED_AT).into_string())
            .unwrap_or_else(|_| "x".repeat(LEN + 1))
    });
    let grants = r#""identity":"alice","voice":{"incoming":{"allow":true}}"#;
    let header =
        |members: &str| format!(r#"{{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"{members}}}"#);
    // A valid token but for its identity, `piece` repeated `n` times (JSON text as written).
    let with_identity = |piece: &str, n: usize| {
        let g = format!(
            r#""identity":"{}","voice":{{"incoming":{{"allow":true}}}}"#,
            piece.repeat(n)
        );
        access(ACCESS_HEADER, &access_claims(&g, ""), false)
    };
    // A valid token but for its parameter's value, `piece` repeated `n` times (JSON text as
    // written).
    let with_parameter = |piece: &str, n: usize| {
        let g = format!(
            r#""identity":"alice","voice":{{"outgoing":{{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{{"Filter":"{}"}}}}}}"#,
            piece.repeat(n)
        );
        access(ACCESS_HEADER, &access_claims(&g, ""), false)
    };
    let hostile = vec![
        (
            "header: an array of integers",
            at_len(|n| {
                let h = header(&format!(r#","x":[{}0]"#, integers(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: an array of floats",
            at_len(|n| {
                let h = header(&format!(r#","x":[{}0]"#, floats(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: integers as members (refused after 32)",
            at_len(|n| {
                let h = header(&members(n).replace(":0", ":123456789"));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: one 16 KB integer",
            at_len(|n| {
                access(
                    &header(&format!(r#","x":1{}"#, "0".repeat(n))),
                    &access_claims(grants, ""),
                    true,
                )
            }),
        ),
        (
            "header: one 16 KB float",
            at_len(|n| {
                access(
                    &header(&format!(r#","x":1.{}e5"#, "3".repeat(n))),
                    &access_claims(grants, ""),
                    true,
                )
            }),
        ),
        (
            "header: distinct keys (refused after 32)",
            at_len(|n| access(&header(&members(n)), &access_claims(grants, ""), true)),
        ),
        (
            "header: distinct keys in a nested object",
            at_len(|n| {
                let h = header(&format!(r#","x":{{"a":0{}}}"#, members(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: nesting in an ignored member",
            at_len(|n| {
                let h = header(&format!(r#","x":{}{}"#, "[".repeat(n), "]".repeat(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: a long string of `\\u` escapes",
            at_len(|n| {
                let h = header(&format!(r#","x":"{}""#, r"\u0061".repeat(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: a `cty` of `\\u` escapes",
            at_len(|n| {
                let h = format!(
                    r#"{{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1{}"}}"#,
                    r"\u0061".repeat(n)
                );
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: 31 long escaped keys alike",
            at_len(|n| {
                access(
                    &header(&long_members(31, n)),
                    &access_claims(grants, ""),
                    true,
                )
            }),
        ),
        (
            "claims: an array of integers",
            at_len(|n| {
                access(
                    ACCESS_HEADER,
                    &access_claims(grants, &format!(r#","x":[{}0]"#, integers(n))),
                    false,
                )
            }),
        ),
        (
            "claims: an array of floats",
            at_len(|n| {
                access(
                    ACCESS_HEADER,
                    &access_claims(grants, &format!(r#","x":[{}0]"#, floats(n))),
                    false,
                )
            }),
        ),
        (
            "claims: a 16 KB `exp`",
            at_len(|n| {
                let claims = access_claims(grants, "").replace(
                    &format!(r#""exp":{}"#, NOW + 3600),
                    &format!(r#""exp":1{}"#, "0".repeat(n)),
                );
                access(ACCESS_HEADER, &claims, false)
            }),
        ),
        (
            "claims: distinct keys (refused after 32)",
            at_len(|n| access(ACCESS_HEADER, &access_claims(grants, &members(n)), false)),
        ),
        (
            "claims: distinct keys in an unknown grant",
            at_len(|n| {
                let g = format!(r#"{grants},"other":{{"a":0{}}}"#, members(n));
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        (
            "claims: nesting in an unknown grant",
            at_len(|n| {
                let g = format!(r#"{grants},"other":{}{}"#, "[".repeat(n), "]".repeat(n));
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        (
            "claims: 32 long escaped keys alike",
            at_len(|n| {
                access(
                    ACCESS_HEADER,
                    &access_claims(grants, &long_members(32, n)),
                    false,
                )
            }),
        ),
        (
            "claims: a long string of `\\u` escapes in an unknown member",
            at_len(|n| {
                let extra = format!(r#","x":"{}""#, r"\u0061".repeat(n));
                access(ACCESS_HEADER, &access_claims(grants, &extra), false)
            }),
        ),
        (
            "claims: an identity of `\\u` escapes",
            at_len(|n| with_identity(r"\u0061", n)),
        ),
        (
            "claims: the most outgoing parameters, one byte each, then a long one",
            at_len(|n| {
                let mut params: Vec<String> = (1..MAX_OUTGOING_PARAMS)
                    .map(|i| format!(r#""{i}":"v""#))
                    .collect();
                params.push(format!(r#""0":"{}""#, "v".repeat(n)));
                let g = format!(
                    r#""identity":"alice","voice":{{"outgoing":{{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{{{}}}}}}}"#,
                    params.join(",")
                );
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        (
            "claims: outgoing parameters, one byte each (refused past the most)",
            at_len(|n| {
                let params: Vec<String> = (0..n).map(|i| format!(r#""{i}":"v""#)).collect();
                let g = format!(
                    r#""identity":"alice","voice":{{"outgoing":{{"application_sid":"AP0123456789abcdef0123456789abcdef","params":{{{}}}}}}}"#,
                    params.join(",")
                );
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        (
            "header: one-digit integers (refused after 256 values)",
            at_len(|n| {
                let h = header(&format!(r#","x":[{}0]"#, "0,".repeat(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "header: a byte and a `\\n` escape, repeated",
            at_len(|n| {
                let h = header(&format!(r#","x":"{}""#, r"a\n".repeat(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "claims: empty objects in an unknown grant (refused after 256 values)",
            at_len(|n| {
                let g = format!(r#"{grants},"other":[{}0]"#, "{},".repeat(n));
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        (
            "claims: `\\n` escapes in an unknown member",
            at_len(|n| {
                let extra = format!(r#","x":"{}""#, r"\n".repeat(n));
                access(ACCESS_HEADER, &access_claims(grants, &extra), false)
            }),
        ),
        (
            "claims: an identity of `\\n` escapes",
            at_len(|n| with_identity(r"\n", n)),
        ),
        (
            "claims: surrogate pairs (`\\ud83d\\ude00`) in an unknown member",
            at_len(|n| {
                let extra = format!(r#","x":"{}""#, r"\ud83d\ude00".repeat(n));
                access(ACCESS_HEADER, &access_claims(grants, &extra), false)
            }),
        ),
        (
            "claims: an identity of surrogate pairs (`\\ud83d\\ude00`)",
            at_len(|n| with_identity(r"\ud83d\ude00", n)),
        ),
        (
            "claims: an identity of a byte and a `\\n` escape, repeated",
            at_len(|n| with_identity(r"a\n", n)),
        ),
        (
            "header: a character beyond ASCII and a `\\n` escape, repeated",
            at_len(|n| {
                let h = header(&format!(r#","x":"{}""#, r"é\n".repeat(n)));
                access(&h, &access_claims(grants, ""), true)
            }),
        ),
        (
            "claims: a parameter of a character beyond ASCII and a `\\n` escape, repeated",
            at_len(|n| with_parameter(r"é\n", n)),
        ),
        (
            "claims: a parameter of an emoji and a `\\n` escape, repeated",
            at_len(|n| with_parameter(r"😀\n", n)),
        ),
        (
            "claims: a parameter of a character beyond ASCII and a `\\u` escape, repeated",
            at_len(|n| with_parameter(r"é\u00e9", n)),
        ),
        (
            "claims: a parameter of 17 plain bytes and a `\\n` escape, repeated",
            at_len(|n| with_parameter(r"aaaaaaaaaaaaaaaaa\n", n)),
        ),
        (
            "claims: a parameter of 9 characters beyond ASCII (18 bytes) and a `\\n` escape, repeated",
            at_len(|n| with_parameter(r"ééééééééé\n", n)),
        ),
        (
            "claims: a parameter of a 3-byte character and a `\\u` escape of one, repeated",
            at_len(|n| with_parameter(r"€\u20ac", n)),
        ),
        (
            "claims: an unknown grant of a character beyond ASCII and a `\\n` escape, repeated",
            at_len(|n| {
                let g = format!(r#"{grants},"other":{{"x":"{}"}}"#, r"é\n".repeat(n));
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        (
            "claims: a `player` grant of floats (refused after 256 values)",
            at_len(|n| {
                let g = format!(r#"{grants},"player":{{"x":[{}0]}}"#, floats(n));
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        (
            "claims: a `player` grant of one 16 KB number",
            at_len(|n| {
                let g = format!(r#"{grants},"player":{{"x":1.{}e308}}"#, "0".repeat(n));
                access(ACCESS_HEADER, &access_claims(&g, ""), false)
            }),
        ),
        ("segments: dots", ".".repeat(LEN)),
    ];
    (valid, hostile)
}
