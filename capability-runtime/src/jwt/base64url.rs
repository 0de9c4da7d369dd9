//! The base64url of signing and verifying: RFC 4648 §5, no padding, strict (padding and
//! non-canonical trailing bits are errors).
//!
//! Two engines of the `base64` crate with the same configuration: SIMD, built once, for long
//! input, where it is several times faster; the scalar one for short input, where the SIMD
//! engine's cost per call exceeds the whole work (as measured on a signature and a tag).

use base64::engine::general_purpose::{NO_PAD, URL_SAFE_NO_PAD};
use base64::{DecodeError, DecodeSliceError, Engine as _};

use crate::limits::{TAG_B64_LEN, TAG_LEN};

/// From this length of input on, the SIMD engine is used.
const SIMD_FROM: usize = 128;

#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
))]
pub(crate) static BASE64URL: std::sync::LazyLock<base64::engine::Simd> =
    std::sync::LazyLock::new(|| base64::engine::Simd::url_safe(NO_PAD));

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon")
)))]
pub(crate) static BASE64URL: base64::engine::GeneralPurpose = URL_SAFE_NO_PAD;

/// Decodes `input` into `output`, returning the decoded length.
pub(crate) fn decode_slice(input: &str, output: &mut [u8]) -> Result<usize, DecodeSliceError> {
    match input.len() < SIMD_FROM {
        true => URL_SAFE_NO_PAD.decode_slice(input, output),
        false => BASE64URL.decode_slice(input, output),
    }
}

/// Decodes `input` into a new buffer.
pub(crate) fn decode(input: &str) -> Result<Vec<u8>, DecodeError> {
    match input.len() < SIMD_FROM {
        true => URL_SAFE_NO_PAD.decode(input),
        false => BASE64URL.decode(input),
    }
}

/// Encodes `bytes` (at most 96) into `out`, returning the encoded length.
pub(crate) fn encode_slice(bytes: &[u8], out: &mut [u8]) -> usize {
    debug_assert!(bytes.len() <= 96);
    URL_SAFE_NO_PAD.encode_slice(bytes, out).unwrap_or(0)
}

/// The base64url of a tag. Hand-written, as measured in `check_signature`: the `base64` crate's
/// encoder spends more on its setup and its general tail than the 32 bytes take. No branch on
/// the tag's bytes, and the alphabet is one cache line.
#[inline]
pub(crate) fn encode_tag(tag: &[u8; TAG_LEN]) -> [u8; TAG_B64_LEN] {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let sextet = |n: u32, shift: u32| ALPHABET[(n >> shift & 63) as usize];
    let mut out = [0u8; TAG_B64_LEN];
    let (groups, last) = tag.as_chunks::<3>();
    let (quads, tail) = out.as_chunks_mut::<4>();
    for (quad, group) in quads.iter_mut().zip(groups) {
        let n = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        *quad = [sextet(n, 18), sextet(n, 12), sextet(n, 6), sextet(n, 0)];
    }
    // 32 bytes: ten groups of three, then two bytes, three characters.
    let n = u32::from(last[0]) << 16 | u32::from(last[1]) << 8;
    tail.copy_from_slice(&[sextet(n, 18), sextet(n, 12), sextet(n, 6)]);
    out
}

/// Appends the base64url of `bytes` (at most 96) to `out`, without allocating.
pub(crate) fn push_encoded(out: &mut String, bytes: &[u8]) {
    let mut buf = [0u8; 128];
    let len = encode_slice(bytes, &mut buf);
    debug_assert_eq!(len, (bytes.len() * 4).div_ceil(3));
    // base64url is ASCII: this never fails.
    out.push_str(std::str::from_utf8(&buf[..len]).unwrap_or_default());
}

/// A fixed text that follows 0 to 2 bytes left over from what precedes it, for signing: the
/// base64url of its whole 3-byte quanta, computed once, and the 0 to 2 bytes after them, encoded
/// per token with what follows.
#[derive(Clone)]
pub(crate) struct Quanta {
    /// The base64url of the whole 3-byte quanta.
    pub(crate) b64: Box<str>,
    /// The 0 to 2 bytes after them.
    pub(crate) rest: ([u8; 2], usize),
}

impl Quanta {
    /// The quanta of `bytes` (at most 96 of them).
    pub(crate) fn new(bytes: &[u8]) -> Self {
        let whole = bytes.len() - bytes.len() % 3;
        let mut rest = [0; 2];
        rest[..bytes.len() - whole].copy_from_slice(&bytes[whole..]);
        let mut b64 = String::new();
        push_encoded(&mut b64, &bytes[..whole]);
        Self {
            b64: b64.into_boxed_str(),
            rest: (rest, bytes.len() - whole),
        }
    }

    /// The bytes left over, to be encoded with what follows.
    pub(crate) fn rest(&self) -> &[u8] {
        &self.rest.0[..self.rest.1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_encode_as_the_crate_encodes_them() {
        for seed in 0u8..=255 {
            let tag: [u8; TAG_LEN] = std::array::from_fn(|i| {
                seed.wrapping_mul(31)
                    .wrapping_add((i as u8).wrapping_mul(97))
            });
            assert_eq!(
                encode_tag(&tag).as_slice(),
                URL_SAFE_NO_PAD.encode(tag).as_bytes()
            );
        }
        assert_eq!(
            encode_tag(&[0xFF; TAG_LEN]).as_slice(),
            URL_SAFE_NO_PAD.encode([0xFF; TAG_LEN]).as_bytes()
        );
    }

    /// Both engines read the same texts the same way, accepting only canonical base64url.
    #[test]
    fn both_engines_agree() {
        let data: Vec<u8> = (0..=255).collect();
        for len in 0..200 {
            let text = URL_SAFE_NO_PAD.encode(&data[..len]);
            let mut tweaked = text.clone();
            if let Some(last) = tweaked.pop() {
                tweaked.push(if last == 'A' { 'B' } else { 'A' });
            }
            let variants = [
                tweaked,
                text.clone(),
                format!("{text}="),
                format!("{text}A"),
                text.replace('A', "+"),
                text.replace('w', "/"),
                text.replacen('A', " ", 1),
            ];
            for variant in variants {
                let scalar = URL_SAFE_NO_PAD.decode(&variant).ok();
                assert_eq!(BASE64URL.decode(&variant).ok(), scalar, "{variant}");
                assert_eq!(decode(&variant).ok(), scalar, "{variant}");
            }
        }
    }
}
