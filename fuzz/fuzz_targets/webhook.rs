//! Fuzz target for `capability_runtime::webhook`: the form reader and the validator.
//!
//! The first byte of the input, modulo 3, picks what the rest is:
//!
//! - 0: a form body, read by `FormParams::from_form` and by `reference_form` below; they agree on
//!   the pairs, or on the error (and, for a bad `%`, its offset).
//! - 1: a request: URL, `X-Twilio-Signature`, signature settings and body, separated by `0xFF`
//!   bytes. It is validated as a form (when the body reads as one) and as a JSON body; the
//!   validator accepts exactly when the reference, which signs every URL variant under every
//!   key, computes that signature (and, for a JSON body, the body's hash matches).
//! - 2: a URL and a body separated by `0xFF`, then SIGNED by the reference (the byte after the
//!   mode picks the key, the algorithm and the URL's port variant), so that the fuzzer reaches
//!   acceptance: a valid URL's request is accepted, and refused once one bit of the signature
//!   flips.
//!
//! Beyond "never panics": every error message is short, on one line, and holds no secret.
#![no_main]

use std::collections::BTreeSet;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use capability_runtime::webhook::{
    body_sha256, AuthToken, FormParams, Request, SharedKey, Validator, WebhookError, MAX_BODY_LEN,
    MAX_PARAMS, MAX_URL_LEN,
};
use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::fuzz_target;

const PRIMARY: &str = "fuzz-primary-token";
const SECONDARY: &str = "fuzz-secondary-token";
const SHARED: &str = "fuzz-shared-secret";
const KEY_ID: &str = "k1";

fn validator() -> Validator {
    Validator::new(AuthToken::new(PRIMARY).unwrap())
        .with_secondary(AuthToken::new(SECONDARY).unwrap())
        .with_shared_key(SharedKey::new(KEY_ID, SHARED).unwrap())
        .unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => forms_agree(rest),
        1 => requests_agree(rest),
        _ => signed_requests_pass(rest),
    }
});

// The reference: the documented algorithm, written plainly.

#[derive(Debug, PartialEq)]
enum FormError {
    TooLarge,
    Percent(usize),
    Utf8,
    TooMany,
}

/// `&`-separated pairs, empty ones skipped, each split at its first `=`, `+` as a space, `%XX`
/// decoded; a `%` without two hex digits and text that is not UTF-8 are errors.
fn reference_form(body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    if body.len() > MAX_BODY_LEN {
        return Err(FormError::TooLarge);
    }
    for (i, &b) in body.iter().enumerate() {
        if b == b'%' {
            // Each `%` on its own: a `%` is not a hex digit, so none is the digit of an escape.
            let ok = body.len() > i + 2
                && body[i + 1].is_ascii_hexdigit()
                && body[i + 2].is_ascii_hexdigit();
            if !ok {
                return Err(FormError::Percent(i));
            }
        }
    }
    let decode = |piece: &[u8]| -> Result<String, FormError> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < piece.len() {
            match piece[i] {
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b'%' => {
                    let hex = std::str::from_utf8(&piece[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| FormError::Utf8)
    };
    let mut pairs = Vec::new();
    for piece in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match piece.iter().position(|&b| b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &piece[piece.len()..]),
        };
        pairs.push((decode(name)?, decode(value)?));
    }
    if pairs.len() > MAX_PARAMS {
        return Err(FormError::TooMany);
    }
    Ok(pairs)
}

/// The URL's `scheme://`, userinfo, host, port (with its `:`) and the rest; `None` when it is
/// not an absolute http(s) URL with a host, or is over the limit.
fn reference_split(url: &str) -> Option<(String, String, String, String, String)> {
    if url.len() > MAX_URL_LEN {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    let scheme_len = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let after: Vec<char> = url[scheme_len..].chars().collect();
    let end = after
        .iter()
        .position(|c| matches!(c, '/' | '?' | '#'))
        .unwrap_or(after.len());
    let authority: String = after[..end].iter().collect();
    let rest: String = after[end..].iter().collect();
    let (userinfo, host_port) = match authority.rfind('@') {
        Some(at) => (authority[..=at].to_owned(), authority[at + 1..].to_owned()),
        None => (String::new(), authority.clone()),
    };
    let search_from = host_port.rfind(']').map_or(0, |at| at + 1);
    let (host, port) = match host_port[search_from..].find(':') {
        Some(at) => (
            host_port[..search_from + at].to_owned(),
            host_port[search_from + at..].to_owned(),
        ),
        None => (host_port.clone(), String::new()),
    };
    if host.is_empty() {
        return None;
    }
    Some((url[..scheme_len].to_owned(), userinfo, host, port, rest))
}

/// The URLs a signature may be for: without the port, and with the default port when none.
fn reference_variants(url: &str) -> Vec<String> {
    let Some((scheme, userinfo, host, port, rest)) = reference_split(url) else {
        return Vec::new();
    };
    let without = format!("{scheme}{userinfo}{host}{rest}");
    let with = if port.is_empty() {
        let default = if scheme.len() == 8 { ":443" } else { ":80" };
        format!("{scheme}{userinfo}{host}{default}{rest}")
    } else {
        url.to_owned()
    };
    vec![without, with]
}

fn reference_sign(key: &str, sha256: bool, url: &str, pairs: &[(String, String)]) -> String {
    let distinct: BTreeSet<&(String, String)> = pairs.iter().collect();
    let mut data = url.to_owned();
    for (name, value) in distinct {
        data.push_str(name);
        data.push_str(value);
    }
    let tag = if sha256 {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    } else {
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    STANDARD.encode(tag)
}

/// The first `bodySHA256` of the query, form-decoded (by the reference reader, lossily).
fn reference_body_hash(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    query.split('&').filter(|p| !p.is_empty()).find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (lossy_decode(name) == "bodySHA256").then(|| lossy_decode(value))
    })
}

fn lossy_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && bytes.len() > i + 2
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap(),
            );
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// The checks.

/// Every error renders short, on one line, and shows no secret that the request itself did not
/// carry (a key id or algorithm name is quoted from the settings header, so a header that holds
/// a secret has it quoted back; the validator never adds one).
fn check_message(e: &WebhookError, input: &[u8]) {
    let text = e.to_string();
    assert!(text.len() < 512, "a {} byte message: {text}", text.len());
    assert!(
        !text.contains(['\n', '\r', '\u{1b}']),
        "unescaped control character: {text:?}"
    );
    for secret in [PRIMARY, SECONDARY, SHARED] {
        let carried = input.windows(secret.len()).any(|w| w == secret.as_bytes());
        if !carried {
            assert!(!text.contains(secret) && !format!("{e:?}").contains(secret));
        }
    }
}

fn forms_agree(body: &[u8]) {
    let ours = FormParams::from_form(body);
    let theirs = reference_form(body);
    match (&ours, &theirs) {
        (Ok(ours), Ok(pairs)) => {
            let ours: Vec<(String, String)> =
                ours.iter().map(|(n, v)| (n.into(), v.into())).collect();
            assert_eq!(&ours, pairs);
        }
        (Err(WebhookError::BodyTooLarge { .. }), Err(FormError::TooLarge))
        | (Err(WebhookError::InvalidUtf8 { .. }), Err(FormError::Utf8))
        | (Err(WebhookError::TooManyParams), Err(FormError::TooMany)) => {}
        (Err(WebhookError::InvalidPercentEncoding { at }), Err(FormError::Percent(i))) => {
            assert_eq!(at, i)
        }
        _ => panic!("the form reader says {ours:?}, the reference {theirs:?}"),
    }
    if let Err(e) = ours {
        check_message(&e, body);
    }
}

/// Cuts `rest` at `0xFF` bytes into at most `n` parts (missing ones are empty).
fn parts(rest: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = rest.splitn(n, |&b| b == 0xFF).collect();
    out.resize(n, &[]);
    out
}

/// Every signature the reference accepts for this request: each URL variant under each key the
/// settings pick (none when they name another key).
fn accepted_signatures(
    url: &str,
    settings: Option<&str>,
    pairs: &[(String, String)],
) -> BTreeSet<String> {
    let keys: Vec<(&str, bool)> = match settings {
        None => vec![(PRIMARY, false), (SECONDARY, false)],
        Some(settings) => {
            let mut key = None;
            let mut algorithm = None;
            for part in settings.split(',') {
                if let Some((n, v)) = part.split_once('=') {
                    match n.trim() {
                        "key" => key = Some(v.trim()),
                        "algorithm" => algorithm = Some(v.trim()),
                        _ => {}
                    }
                }
            }
            let sha256 = algorithm.is_some_and(|a| a.eq_ignore_ascii_case("HMAC_SHA256"));
            if key == Some(KEY_ID) {
                vec![(SHARED, sha256)]
            } else {
                Vec::new()
            }
        }
    };
    let mut out = BTreeSet::new();
    for variant in reference_variants(url) {
        for &(key, sha256) in &keys {
            out.insert(reference_sign(key, sha256, &variant, pairs));
        }
    }
    out
}

fn requests_agree(rest: &[u8]) {
    let p = parts(rest, 4);
    let url = String::from_utf8_lossy(p[0]);
    let signature = (!p[1].is_empty()).then(|| String::from_utf8_lossy(p[1]).into_owned());
    let settings = (!p[2].is_empty()).then(|| String::from_utf8_lossy(p[2]).into_owned());
    let body = p[3];
    let v = validator();
    if let Ok(params) = FormParams::from_form(body) {
        let pairs: Vec<(String, String)> =
            params.iter().map(|(n, v)| (n.into(), v.into())).collect();
        let request = Request::form(&url, &params)
            .signature(signature.as_deref())
            .settings(settings.as_deref());
        let result = v.validate(&request);
        let accepted = signature
            .as_ref()
            .is_some_and(|s| accepted_signatures(&url, settings.as_deref(), &pairs).contains(s));
        match &result {
            Ok(_) => assert!(accepted, "accepted, but the reference does not sign it so"),
            Err(WebhookError::Mismatch) => {
                assert!(!accepted, "refused, but the reference signs it so")
            }
            Err(e) => check_message(e, rest),
        }
    }
    let request = Request::json(&url, body)
        .signature(signature.as_deref())
        .settings(settings.as_deref());
    match v.validate(&request) {
        Ok(_) => {
            assert!(signature.as_ref().is_some_and(|s| accepted_signatures(
                &url,
                settings.as_deref(),
                &[]
            )
            .contains(s)));
            assert_eq!(reference_body_hash(&url), Some(body_sha256(body)));
        }
        Err(e) => check_message(&e, rest),
    }
}

fn signed_requests_pass(rest: &[u8]) {
    let Some((&choice, rest)) = rest.split_first() else {
        return;
    };
    let p = parts(rest, 2);
    let url = String::from_utf8_lossy(p[0]).into_owned();
    let (key, sha256, settings) = match choice % 4 {
        0 => (PRIMARY, false, None),
        1 => (SECONDARY, false, None),
        2 => (SHARED, true, Some("key=k1,algorithm=HMAC_SHA256")),
        _ => (SHARED, false, Some("key=k1")),
    };
    let variants = reference_variants(&url);
    let v = validator();
    let Ok(params) = FormParams::from_form(p[1]) else {
        return;
    };
    let pairs: Vec<(String, String)> = params.iter().map(|(n, v)| (n.into(), v.into())).collect();
    if variants.is_empty() {
        // Not a URL the reference signs: the validator refuses it for the URL.
        let any = reference_sign(key, sha256, &url, &pairs);
        let result = v.validate(
            &Request::form(&url, &params)
                .signature(Some(&any))
                .settings(settings),
        );
        assert!(
            matches!(
                result,
                Err(WebhookError::InvalidUrl(_) | WebhookError::UrlTooLong { .. })
            ),
            "{result:?}"
        );
        return;
    }
    let signed_url = &variants[usize::from(choice / 4) % 2];
    let signature = reference_sign(key, sha256, signed_url, &pairs);
    let request = Request::form(&url, &params)
        .signature(Some(&signature))
        .settings(settings);
    if let Err(e) = v.validate(&request) {
        panic!("the reference's signature for {signed_url:?} is refused: {e}");
    }
    // One bit flipped in the tag: refused.
    let mut tag = STANDARD.decode(&signature).unwrap();
    let at = usize::from(choice) % tag.len();
    tag[at] ^= 1 << (choice % 8);
    let flipped = STANDARD.encode(tag);
    let result = v.validate(
        &Request::form(&url, &params)
            .signature(Some(&flipped))
            .settings(settings),
    );
    assert_eq!(result, Err(WebhookError::Mismatch));
    // As a JSON body with the body's hash in the URL.
    let hashed = if url.contains('?') {
        format!("{url}&bodySHA256={}", body_sha256(p[1]))
    } else {
        format!("{url}?bodySHA256={}", body_sha256(p[1]))
    };
    if hashed.len() <= MAX_URL_LEN && !url.contains('#') {
        let variants = reference_variants(&hashed);
        let signature = reference_sign(key, sha256, &variants[0], &[]);
        let ok = v.validate(
            &Request::json(&hashed, p[1])
                .signature(Some(&signature))
                .settings(settings),
        );
        // The URL's first bodySHA256 is the one checked: an earlier one in the fuzzed query wins.
        if reference_body_hash(&hashed) == Some(body_sha256(p[1])) {
            assert!(ok.is_ok(), "{ok:?}");
        } else {
            assert_eq!(ok, Err(WebhookError::BodyHashMismatch));
        }
    }
}
