//! Templates: a payload made of fixed runs of text and holes, encoded to base64url per token
//! without encoding the fixed runs again.
//!
//! A run's base64url depends on how many bytes (0, 1 or 2) of what precedes it are still waiting
//! for a full 3-byte quantum: the run's first bytes complete that quantum, its whole quanta
//! follow, and its last bytes wait in turn. [`Run`] holds the base64url of its whole quanta for
//! each of the three cases, computed once; [`B64Writer`] walks runs and holes, carrying the 0 to 2
//! waiting bytes, and encodes only those carried quanta and the holes' bytes.
//!
//! `Credentials` already treat the issuer so (`Quanta`); templates generalise it to every fixed
//! part of a policy's payload.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// A fixed run of a template's text, with its base64url for each number of bytes carried into it.
#[derive(Clone, Debug)]
// Without `jwt` nothing signs: the base64url is computed but not read.
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
pub(crate) struct Run {
    text: Box<str>,
    /// `b64[carried]`: the base64url of the run's whole quanta after its first
    /// `(3 - carried) % 3` bytes, which complete the carried quantum. Empty when the run is too
    /// short to complete it.
    b64: [Box<str>; 3],
}

impl Run {
    pub(crate) fn new(text: &str) -> Run {
        let bytes = text.as_bytes();
        let b64 = [0, 1, 2].map(|carried: usize| {
            let completing = (3 - carried) % 3;
            match bytes.get(completing..) {
                Some(rest) => URL_SAFE_NO_PAD
                    .encode(&rest[..rest.len() - rest.len() % 3])
                    .into_boxed_str(),
                None => Box::from(""),
            }
        });
        Run {
            text: text.into(),
            b64,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }
}

/// The base64url alphabet (RFC 4648 §5).
#[cfg(feature = "jwt")]
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The base64url of a full quantum.
#[cfg(feature = "jwt")]
#[inline]
fn encode_quantum(q: [u8; 3]) -> [u8; 4] {
    let n = u32::from(q[0]) << 16 | u32::from(q[1]) << 8 | u32::from(q[2]);
    [
        ALPHABET[(n >> 18) as usize & 0x3F],
        ALPHABET[(n >> 12) as usize & 0x3F],
        ALPHABET[(n >> 6) as usize & 0x3F],
        ALPHABET[n as usize & 0x3F],
    ]
}

/// Appends base64url to the bytes of a token whose capacity the caller reserved: the runs'
/// precomputed text is copied, every other byte is encoded as it comes, 0 to 2 bytes carried
/// between calls.
///
/// Bytes rather than a `String`: the encoding is written a few characters at a time, and the
/// token's text is checked to be UTF-8 once, at the end, instead of at each write (measured: the
/// checks of many short writes cost more than one of the whole text).
#[cfg(feature = "jwt")]
pub(crate) struct B64Writer<'a> {
    out: &'a mut Vec<u8>,
    carry: [u8; 3],
    carried: usize,
}

#[cfg(feature = "jwt")]
impl<'a> B64Writer<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        Self {
            out,
            carry: [0; 3],
            carried: 0,
        }
    }

    /// The bytes waiting for a full quantum.
    pub(crate) fn carried(&self) -> &[u8] {
        &self.carry[..self.carried]
    }

    /// Forgets the carried bytes: the caller writes their encoding itself (with what follows).
    pub(crate) fn drop_carried(&mut self) {
        self.carried = 0;
    }

    /// Appends the base64url of a full quantum. By hand rather than through the `base64` crate:
    /// four characters, for which a call into the engine costs more than the work.
    #[inline]
    fn quantum(&mut self, q: [u8; 3]) {
        self.out.extend_from_slice(&encode_quantum(q));
    }

    /// Keeps the 0 to 2 bytes of `left` for the next quantum. Byte by byte: a copy of a
    /// variable length would be a call to `memcpy`, for at most two bytes.
    #[inline]
    fn keep(&mut self, left: &[u8]) {
        match *left {
            [] => {}
            [a] => self.carry[0] = a,
            [a, b, ..] => {
                self.carry[0] = a;
                self.carry[1] = b;
            }
        }
        self.carried = left.len();
    }

    /// Appends a fixed run.
    #[inline]
    pub(crate) fn run(&mut self, run: &Run) {
        let text = run.text.as_bytes();
        let completing = (3 - self.carried) % 3;
        if text.len() < completing {
            for &b in text {
                self.carry[self.carried] = b;
                self.carried += 1;
            }
            return;
        }
        if completing > 0 {
            for (i, &b) in text[..completing].iter().enumerate() {
                self.carry[self.carried + i] = b;
            }
            self.quantum(self.carry);
        }
        self.out.extend_from_slice(run.b64[self.carried].as_bytes());
        let left = (text.len() - completing) % 3;
        self.keep(&text[text.len() - left..]);
    }

    /// Appends bytes that are not precomputed.
    #[inline]
    pub(crate) fn bytes(&mut self, mut bytes: &[u8]) {
        while self.carried > 0 {
            let Some((&b, rest)) = bytes.split_first() else {
                return;
            };
            self.carry[self.carried] = b;
            self.carried += 1;
            bytes = rest;
            if self.carried == 3 {
                self.quantum(self.carry);
                self.carried = 0;
            }
        }
        let (quanta, left) = bytes.as_chunks::<3>();
        // Written in place after one resize: no capacity check per quantum.
        let start = self.out.len();
        self.out.resize(start + quanta.len() * 4, 0);
        let (out, _) = self.out[start..].as_chunks_mut::<4>();
        for (out, q) in out.iter_mut().zip(quanta) {
            *out = encode_quantum(*q);
        }
        self.keep(left);
    }

    /// Appends the base64url of `bytes` and of what is carried, to the end.
    pub(crate) fn bytes_to_end(mut self, bytes: &[u8]) {
        self.bytes(bytes);
        self.finish();
    }

    /// Appends the last, partial quantum: the end of the encoded text.
    pub(crate) fn finish(mut self) {
        let n = match self.carried {
            0 => return,
            1 => u32::from(self.carry[0]) << 16,
            _ => u32::from(self.carry[0]) << 16 | u32::from(self.carry[1]) << 8,
        };
        for shift in [18, 12, 6, 0].into_iter().take(self.carried + 1) {
            self.out.push(ALPHABET[(n >> shift) as usize & 0x3F]);
        }
        self.carried = 0;
    }
}

/// The token's text from its bytes, all of them base64url and `.`: ASCII.
#[cfg(feature = "jwt")]
pub(crate) fn into_text(bytes: Vec<u8>) -> String {
    debug_assert!(bytes.is_ascii());
    // Never fails: ASCII is UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Bytes produced one or a few at a time (escaping, URL encoding), gathered on the stack and
/// handed to a [`B64Writer`] in chunks.
#[cfg(feature = "jwt")]
pub(crate) struct Gather<'w, 'a> {
    writer: &'w mut B64Writer<'a>,
    buf: [u8; 96],
    len: usize,
}

#[cfg(feature = "jwt")]
impl<'w, 'a> Gather<'w, 'a> {
    pub(crate) fn new(writer: &'w mut B64Writer<'a>) -> Self {
        Self {
            writer,
            buf: [0; 96],
            len: 0,
        }
    }

    /// Appends up to 12 bytes.
    #[inline]
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.len() <= 12);
        if self.len + bytes.len() > self.buf.len() {
            self.writer.bytes(&self.buf[..self.len]);
            self.len = 0;
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

#[cfg(feature = "jwt")]
impl Drop for Gather<'_, '_> {
    fn drop(&mut self) {
        self.writer.bytes(&self.buf[..self.len]);
    }
}

#[cfg(all(test, feature = "jwt"))]
mod tests {
    use super::*;

    /// Any sequence of runs and bytes, at any alignment, encodes as the whole text would.
    #[test]
    fn runs_and_bytes_encode_as_one_text() {
        let texts = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "{\"scope\":\"x",
            "0123456789",
        ];
        for first in texts {
            for second in texts {
                for third in texts {
                    for as_run in 0..8u8 {
                        let parts = [first, second, third];
                        let mut out = Vec::new();
                        let mut w = B64Writer::new(&mut out);
                        for (i, part) in parts.iter().enumerate() {
                            if as_run & (1 << i) != 0 {
                                w.run(&Run::new(part));
                            } else {
                                let mut g = Gather::new(&mut w);
                                for b in part.bytes() {
                                    g.push(&[b]);
                                }
                            }
                        }
                        w.finish();
                        assert_eq!(
                            into_text(out),
                            URL_SAFE_NO_PAD.encode(parts.concat()),
                            "{parts:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn gathered_bytes_flush_in_chunks() {
        let text: String = "x".repeat(1000) + "yz";
        let mut out = Vec::new();
        let mut w = B64Writer::new(&mut out);
        w.run(&Run::new("ab"));
        {
            let mut g = Gather::new(&mut w);
            for chunk in text.as_bytes().chunks(7) {
                g.push(chunk);
            }
        }
        w.finish();
        assert_eq!(into_text(out), URL_SAFE_NO_PAD.encode(format!("ab{text}")));
    }
}
