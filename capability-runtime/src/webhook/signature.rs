//! The signed string and its HMAC: the URL, then each parameter name followed by its values,
//! sorted and de-duplicated.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::Mac;

use super::keys::{Algorithm, Keyed};
use super::FormParams;

/// The signed string: `url`, then the pairs sorted by name, then by value, each (name, value)
/// once, written name then value with no separator.
///
/// Names and values compare as bytes, which is Unicode code point order, as Python's `sorted`
/// orders `str`s. twilio-python signs `sorted(set(values))` under each name of
/// `sorted(set(params))`, and twilio-node `Array.from(new Set(values)).sort()` under each of
/// `Object.keys(params).sort()`: the same pairs in the same order, except that JavaScript sorts
/// by UTF-16 code units, which differs from code point order only between a character above
/// U+FFFF and one in U+E000..=U+FFFF (documented in docs/webhooks.md).
///
/// Parameters that come strictly increasing (sorted, no repeat) are written in one pass as they
/// are checked; others are sorted in a copy first. The whole string is built once so that the
/// HMAC reads it in one update: fed pair by pair, the HMAC's per-call cost exceeds the budget of
/// the usual request (measured in the interleaved benchmark).
pub(crate) fn signed_string(url: &str, params: &FormParams) -> Vec<u8> {
    let mut out = Vec::with_capacity(url.len() + params.text_len());
    out.extend_from_slice(url.as_bytes());
    let mut previous: Option<(&str, &str)> = None;
    for pair in params.iter() {
        if previous.is_some_and(|p| p >= pair) {
            out.truncate(url.len());
            let mut pairs: Vec<(&str, &str)> = params.iter().collect();
            pairs.sort_unstable();
            pairs.dedup();
            for (name, value) in pairs {
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(value.as_bytes());
            }
            return out;
        }
        out.extend_from_slice(pair.0.as_bytes());
        out.extend_from_slice(pair.1.as_bytes());
        previous = Some(pair);
    }
    out
}

/// The tag of `message` under `key`: 20 bytes for SHA-1, 32 for SHA-256, in a buffer of 32.
/// The keyed state is cloned, never keyed anew.
pub(crate) fn tag(key: &Keyed, algorithm: Algorithm, message: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    match algorithm {
        Algorithm::HmacSha1 => {
            let mut mac = key.sha1.clone();
            mac.update(message);
            out[..20].copy_from_slice(&mac.finalize().into_bytes());
        }
        Algorithm::HmacSha256 => {
            let mut mac = key.sha256.clone();
            mac.update(message);
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
    }
    out
}

/// The base64 signature of a form request, as Twilio sends it in `X-Twilio-Signature`.
pub(crate) fn sign(key: &Keyed, algorithm: Algorithm, url: &str, params: &FormParams) -> String {
    let tag = tag(key, algorithm, &signed_string(url, params));
    STANDARD.encode(&tag[..algorithm.tag_len()])
}

/// Decodes a signature header: standard base64 with padding, canonical (the official
/// libraries compare the base64 text, so a non-canonical spelling of the right tag is refused
/// there too), of 20 or 32 bytes. `None` when it is anything else.
pub(crate) fn decode(header: &str) -> Option<([u8; 32], usize)> {
    if header.len() != 28 && header.len() != 44 {
        return None;
    }
    let mut out = [0u8; 32];
    let len = STANDARD.decode_slice(header, &mut out).ok()?;
    (len == 20 || len == 32).then_some((out, len))
}

/// The lowercase hex SHA-256 of `body`, as Twilio writes `bodySHA256`.
///
/// ```
/// use capability_runtime::webhook::body_sha256;
///
/// assert_eq!(
///     body_sha256(br#"{"property": "value", "boolean": true}"#),
///     "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
/// );
/// ```
pub fn body_sha256(body: &[u8]) -> String {
    use sha2::Digest as _;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = sha2::Sha256::digest(body);
    // Thirty-two bytes to hex: too small a job for a crate.
    let mut out = String::with_capacity(64);
    for byte in digest.iter() {
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 15)] as char);
    }
    out
}
