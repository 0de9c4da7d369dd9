//! The JWT core that both kinds of token and `inspect` are built from, each
//! stage in one place:
//!
//! 1. [`split`]: the size limit and the three segments;
//! 2. [`Decoded`]: a segment's base64url and UTF-8, on the stack when it is short;
//! 3. [`Header`]: the header read with the one JSON reader ([`json`]), and the checks every
//!    header gets;
//! 4. [`check_signature`]: the tag of the signing input compared, as base64url text in constant
//!    time, with the signature; the HMAC states are kept by [`mac`];
//! 5. [`claims::read`]: the registered claims, typed, beside the claims of each kind;
//! 6. the lifetime rule, `limits::check_lifetime`.
//!
//! A verifier runs every stage; `inspect` runs them all but the signature.

pub(crate) mod base64url;
pub(crate) mod claims;
mod header;
pub(crate) mod json;
pub(crate) mod mac;
pub(crate) mod token;

pub(crate) use header::{Header, ACCESS_CTY};

use crate::error::{Error, Malformed, TokenPart};
use crate::limits::{MAX_TOKEN_LEN, TAG_LEN};

/// The bytes of a payload decoded on the stack; longer ones are decoded into one allocation.
pub(crate) const STACK_PAYLOAD: usize = 1024;

/// A token's three segments.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segments<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header.payload`, what the signature signs.
    pub(crate) signed: &'a [u8],
}

/// Splits a token into its segments.
///
/// # Errors
/// [`Error::TokenTooLarge`] over [`MAX_TOKEN_LEN`], before any work; [`Malformed::Segments`]
/// unless there are exactly three segments.
// Inlined into each verifier: returned through memory, the segments are written word by word
// and read back wider, which stalls (measured).
#[inline(always)]
pub(crate) fn split(token: &str) -> Result<Segments<'_>, Error> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            max: MAX_TOKEN_LEN,
        });
    }
    let bytes = token.as_bytes();
    let segments = || segments_error(bytes);
    // The first two dots, and none in the signature after them: each byte looked at once.
    let first = crate::bytes::find(bytes, b'.').ok_or_else(segments)?;
    let last = first + 1 + memchr::memchr(b'.', &bytes[first + 1..]).ok_or_else(segments)?;
    if crate::bytes::find(&bytes[last + 1..], b'.').is_some() {
        return Err(segments());
    }
    Ok(Segments {
        header: &token[..first],
        payload: &token[first + 1..last],
        signature: &token[last + 1..],
        signed: &bytes[..last],
    })
}

/// The error of a token that is not three segments. Out of line: `split` is inlined.
#[cold]
#[inline(never)]
fn segments_error(bytes: &[u8]) -> Error {
    Error::Malformed(Malformed::Segments {
        found: memchr::memchr_iter(b'.', bytes).count() + 1,
    })
}

/// A buffer for a decoded segment: `STACK` bytes on the stack for short segments, the heap for
/// the others. Headers, which are read only when they are not one of the known ones, use the
/// heap alone (`STACK` 0), so that verifying zeroes one stack buffer, the payload's.
pub(crate) struct Decoded<const STACK: usize = STACK_PAYLOAD> {
    stack: [u8; STACK],
    heap: Vec<u8>,
}

impl<const STACK: usize> Default for Decoded<STACK> {
    fn default() -> Self {
        Self {
            stack: [0; STACK],
            heap: Vec::new(),
        }
    }
}

impl<const STACK: usize> Decoded<STACK> {
    /// The JSON text of `segment`: base64url-decoded into this buffer, and UTF-8.
    ///
    /// # Errors
    /// [`Malformed::Base64`] or [`Malformed::Json`] (not UTF-8) of `part`.
    #[inline]
    pub(crate) fn text(&mut self, segment: &str, part: TokenPart) -> Result<&str, Error> {
        let len = base64::decoded_len_estimate(segment.len());
        let buffer = match len <= STACK {
            true => &mut self.stack[..],
            false => {
                self.heap.resize(len, 0);
                &mut self.heap[..]
            }
        };
        let len = base64url::decode_slice(segment, buffer).map_err(|_| not_base64(part))?;
        utf8(&buffer[..len], part)
    }
}

/// The JSON text of `segment`, as [`Decoded::text`] reads it, in a `String` of its own (for
/// `inspect`, which keeps it): decoded into it, not copied.
pub(crate) fn decoded_string(segment: &str, part: TokenPart) -> Result<String, Error> {
    let bytes = base64url::decode(segment).map_err(|_| not_base64(part))?;
    utf8(&bytes, part).map(str::to_owned)
}

/// `bytes` as text, or the error of `part`, not UTF-8: checked by `simdutf8`, as std's check is
/// several times slower on text that mixes ASCII with other characters, as a hostile token's
/// may; std says where the text breaks.
fn utf8(bytes: &[u8], part: TokenPart) -> Result<&str, Error> {
    simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| not_utf8(part, e))
}

/// The error of a segment that is not base64url.
fn not_base64(part: TokenPart) -> Error {
    Error::Malformed(Malformed::Base64(part))
}

/// The error of a segment whose bytes are not UTF-8.
fn not_utf8(part: TokenPart, e: std::str::Utf8Error) -> Error {
    Error::Malformed(Malformed::Json {
        part,
        detail: format!("not UTF-8: {e}"),
    })
}

/// The first of `keys` whose tag of the signing input is the token's signature: each tag's
/// base64url, canonical, is compared as text with the signature in constant time (equal texts
/// are equal tags, and encoding costs less than decoding), every key compared whatever the
/// signature holds.
///
/// # Errors
/// A signature that matches no key is decoded only to say how it is wrong:
/// [`Malformed::Base64`] of the signature, or [`Error::BadSignature`].
pub(crate) fn check_signature<'k, K>(
    segments: &Segments<'_>,
    keys: impl IntoIterator<Item = &'k K>,
    tag: impl Fn(&K, &[u8]) -> [u8; TAG_LEN],
) -> Result<&'k K, Error> {
    for key in keys {
        let expected = base64url::encode_tag(&tag(key, segments.signed));
        if mac::equal_in_constant_time(&expected, segments.signature.as_bytes()) {
            return Ok(key);
        }
    }
    let mut tag = [0u8; TAG_LEN];
    Err(
        match base64url::decode_slice(segments.signature, &mut tag) {
            Ok(_) | Err(base64::DecodeSliceError::OutputSliceTooSmall) => Error::BadSignature,
            Err(_) => Error::Malformed(Malformed::Base64(TokenPart::Signature)),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_segments_under_the_limit() {
        let s = split("a.bc.d").unwrap();
        assert_eq!(
            (s.header, s.payload, s.signature, s.signed),
            ("a", "bc", "d", &b"a.bc"[..])
        );
        for (token, found) in [("", 1), ("a", 1), ("a.b", 2), ("a.b.c.d", 4), ("...", 4)] {
            assert_eq!(
                split(token).unwrap_err(),
                Error::Malformed(Malformed::Segments { found }),
                "{token}"
            );
        }
        let long = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(matches!(split(&long), Err(Error::TokenTooLarge { .. })));
    }

    #[test]
    fn segments_decode_into_strings_as_into_buffers() {
        let long = "QUFB".repeat(STACK_PAYLOAD);
        for segment in ["eyJhIjoxfQ", "eyJhIjoxfQ=", "_w", "", long.as_str(), "e$"] {
            let mut buf = Decoded::<0>::default();
            let text = buf.text(segment, TokenPart::Header).map(str::to_owned);
            assert_eq!(
                decoded_string(segment, TokenPart::Header),
                text,
                "{segment}"
            );
        }
    }

    #[test]
    fn segments_decode_on_the_stack_and_on_the_heap() {
        let mut buf: Decoded = Decoded::default();
        assert_eq!(
            buf.text("eyJhIjoxfQ", TokenPart::Payload).unwrap(),
            r#"{"a":1}"#
        );
        let long = "QUFB".repeat(STACK_PAYLOAD);
        assert_eq!(
            buf.text(&long, TokenPart::Payload).unwrap().len(),
            STACK_PAYLOAD * 3
        );
        let mut heap = Decoded::<0>::default();
        assert_eq!(
            heap.text("eyJhIjoxfQ", TokenPart::Header).unwrap(),
            r#"{"a":1}"#
        );
        assert_eq!(
            buf.text("eyJhIjoxfQ=", TokenPart::Header).unwrap_err(),
            Error::Malformed(Malformed::Base64(TokenPart::Header))
        );
        assert!(matches!(
            buf.text("_w", TokenPart::Payload).unwrap_err(),
            Error::Malformed(Malformed::Json { .. })
        ));
    }

    /// Text that mixes ASCII with other characters, short or long, valid or broken anywhere:
    /// accepted as std accepts it, and refused with std's account of where it breaks.
    #[test]
    fn utf8_is_checked_as_std_checks_it() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        for piece in ["a", "é", "€\\n", "😀a"] {
            for count in [1, 20, 5000] {
                let text = piece.repeat(count);
                let mut broken = vec![text.clone().into_bytes()];
                for at in [0, text.len() / 2, text.len() - 1] {
                    for bad in [&[0xFF][..], &[0xC3], &[0xED, 0xA0, 0x80]] {
                        let mut bytes = text.clone().into_bytes();
                        bytes.splice(at..at, bad.iter().copied());
                        broken.push(bytes);
                    }
                }
                for bytes in broken {
                    let segment = URL_SAFE_NO_PAD.encode(&bytes);
                    let expected = std::str::from_utf8(&bytes)
                        .map(str::to_owned)
                        .map_err(|e| not_utf8(TokenPart::Payload, e));
                    let mut buf: Decoded = Decoded::default();
                    let text = buf.text(&segment, TokenPart::Payload).map(str::to_owned);
                    assert_eq!(text, expected, "{piece} {count}");
                    assert_eq!(decoded_string(&segment, TokenPart::Payload), expected);
                }
            }
        }
    }
}
