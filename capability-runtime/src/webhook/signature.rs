//! The signed string and its HMAC: the URL, then each parameter name followed by its values,
//! sorted and de-duplicated.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::Mac;

use super::keys::{Algorithm, Keyed};
use super::FormParams;

/// The pairs in signing order: sorted by name, then by value, each (name, value) once.
///
/// Names and values compare as bytes, which is Unicode code point order, as Python's `sorted`
/// orders `str`s. twilio-python signs `sorted(set(values))` under each name of
/// `sorted(set(params))`, and twilio-node `Array.from(new Set(values)).sort()` under each of
/// `Object.keys(params).sort()`: the same pairs in the same order, except that JavaScript sorts
/// by UTF-16 code units, which differs from code point order only between a character above
/// U+FFFF and one in U+E000..=U+FFFF (documented in docs/webhooks.md).
pub(crate) fn signing_order(params: &FormParams) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = params.iter().collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Feeds the signed string to a MAC without building it: the URL, then name and value of each
/// pair in order.
fn feed<M: Mac>(mut mac: M, url: &str, pairs: &[(&str, &str)]) -> M {
    mac.update(url.as_bytes());
    for (name, value) in pairs {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The tag of `url` and `pairs` (already in [`signing_order`]) under `key`: 20 bytes for SHA-1,
/// 32 for SHA-256, in a buffer of 32.
pub(crate) fn tag(
    key: &Keyed,
    algorithm: Algorithm,
    url: &str,
    pairs: &[(&str, &str)],
) -> [u8; 32] {
    let mut out = [0u8; 32];
    match algorithm {
        Algorithm::HmacSha1 => {
            let mac = feed(key.sha1.clone(), url, pairs);
            out[..20].copy_from_slice(&mac.finalize().into_bytes());
        }
        Algorithm::HmacSha256 => {
            let mac = feed(key.sha256.clone(), url, pairs);
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
    }
    out
}

/// The base64 signature of a form request, as Twilio sends it in `X-Twilio-Signature`.
pub(crate) fn sign(key: &Keyed, algorithm: Algorithm, url: &str, params: &FormParams) -> String {
    let pairs = signing_order(params);
    let tag = tag(key, algorithm, url, &pairs);
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
