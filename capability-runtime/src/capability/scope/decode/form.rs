//! Form decoding, as PHP's `urldecode` and Python's `unquote_plus` read it: of one component of a
//! scope URI's query, and of the parameters, which are form-encoded twice.
//!
//! Hand-written rather than `percent-encoding`'s iterator, as measured on a 50-parameter token:
//! [`inner_params`] decodes the parameters twice in one pass, which that iterator cannot do.

use std::borrow::Cow;

use super::EVENTS_PATH_ENCODED;
use crate::bytes::{self, HEX_VALUE};
use crate::capability::scope::EVENTS_PATH;
use crate::params::Params;

pub(super) const NOT_UTF8: &str = "a parameter is not UTF-8 once decoded";

/// Form-decodes one component (see [`form_decoded`]); the result must be UTF-8. Borrows
/// when there is nothing to decode.
#[inline(always)]
pub(super) fn form_decode(raw: &str) -> Result<Cow<'_, str>, String> {
    let plain = bytes::form_special(raw.as_bytes());
    if plain == raw.len() {
        return Ok(Cow::Borrowed(raw));
    }
    form_decode_escaped(raw, plain)
}

/// [`form_decode`] of a component whose first `%` or `+` is at `plain`; out of line, so that
/// the common case is a search and no call.
#[inline(never)]
fn form_decode_escaped(raw: &str, plain: usize) -> Result<Cow<'_, str>, String> {
    if raw == EVENTS_PATH_ENCODED {
        return Ok(Cow::Borrowed(EVENTS_PATH));
    }
    // The plain bytes before the first `%` or `+` copied at once, then byte by byte: escapes
    // are often next to each other, where a search for the next would cost more.
    let mut out = Vec::with_capacity(raw.len());
    out.extend_from_slice(&raw.as_bytes()[..plain]);
    let mut rest = &raw.as_bytes()[plain..];
    while let Some((b, tail)) = form_decoded(rest) {
        out.push(b);
        rest = tail;
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| NOT_UTF8.into())
}

/// Form decoding, one byte: `+` is a space, `%` and two hex digits (either case) a byte, any
/// other byte (a `%` without two hex digits included) itself, as PHP's `urldecode` and
/// Python's `unquote_plus` read them. Returns the decoded byte and what follows it.
#[inline]
fn form_decoded(raw: &[u8]) -> Option<(u8, &[u8])> {
    Some(match raw {
        [b'%', high, low, rest @ ..] => match hex_pair(*high, *low) {
            Some(b) => (b, rest),
            None => (b'%', &raw[1..]),
        },
        [b'+', rest @ ..] => (b' ', rest),
        [b, rest @ ..] => (*b, rest),
        [] => return None,
    })
}

/// The byte two hex digits (either case) spell.
#[inline]
fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let (high, low) = (HEX_VALUE[usize::from(high)], HEX_VALUE[usize::from(low)]);
    ((high | low) < 16).then_some(high << 4 | low)
}

/// The bytes both decodings of [`inner_params`] keep as they are: all but `%`, `+`, `&`
/// and `=`.
static PLAIN: [bool; 256] = {
    let mut table = [true; 256];
    table[b'%' as usize] = false;
    table[b'+' as usize] = false;
    table[b'&' as usize] = false;
    table[b'=' as usize] = false;
    table
};

/// The parameters of `appParams`/`params`: `k1=v1&k2=v2…` with each key and value
/// form-encoded, then form-encoded again as one value (`raw`, a value of the scope's query,
/// has no `&`). Both decodings in one pass, into one buffer of keys and values and one of
/// their offsets, however many parameters there are.
pub(super) fn inner_params(raw: &str) -> Result<Params, String> {
    if raw.is_empty() {
        return Ok(Params::new());
    }
    let raw = raw.as_bytes();
    // Decoding never lengthens: the text fits in `raw.len()` bytes, written by index (which
    // measured faster than pushing) over a copy of `raw` (which measured faster than zeros).
    let mut text = raw.to_vec();
    let mut len = 0;
    let mut pairs = Pairs::new(raw.len());
    let mut at = 0;
    loop {
        // Most bytes: kept by both decodings, copied in a loop of their own (no bounds check,
        // and nothing else of the state in its registers).
        let mut run = 0;
        for (&b, slot) in raw[at..].iter().zip(&mut text[len..]) {
            if !PLAIN[usize::from(b)] {
                break;
            }
            *slot = b;
            run += 1;
        }
        (len, at) = (len + run, at + run);
        // The once-decoded byte; the end reads as a last `&`.
        let b = form_decoded(&raw[at..]).map(|(b, rest)| {
            at = raw.len() - rest.len();
            b
        });
        // Decoded again: `&` and the first `=` delimit, `+` and `%XX` decode.
        let decoded = match b {
            None | Some(b'&') => {
                pairs.end(len)?;
                match b {
                    None => break,
                    Some(_) => continue,
                }
            }
            Some(b'=') if pairs.key_end.is_none() => {
                pairs.key_end = Some(len);
                continue;
            }
            Some(b'+') => b' ',
            Some(b'%') => {
                let escape = form_decoded(&raw[at..]).and_then(|(high, rest)| {
                    let (low, rest) = form_decoded(rest)?;
                    Some((hex_pair(high, low)?, rest))
                });
                match escape {
                    Some((b, rest)) => {
                        at = raw.len() - rest.len();
                        b
                    }
                    None => b'%',
                }
            }
            Some(b) => b,
        };
        text[len] = decoded;
        len += 1;
    }
    text.truncate(len);
    pairs.packed(text).ok_or_else(|| NOT_UTF8.into())
}

/// Where the pairs decoded so far into one buffer of keys and values end, and the checks each
/// pair gets.
struct Pairs {
    /// The ends of the key and the value of each pair but the last (see
    /// `Params::packed_but_last`): allocated at the second pair, for all.
    ends: Vec<(usize, usize)>,
    /// How many pairs the text can hold: each after the first takes at least `%26` and a byte.
    most: usize,
    /// Where the pair being decoded starts, and where its key ends (at its first `=`).
    start: usize,
    key_end: Option<usize>,
    /// Where the key of the last pair ended.
    last_key_end: Option<usize>,
}

impl Pairs {
    /// For parameters `raw_len` bytes long, encoded.
    fn new(raw_len: usize) -> Self {
        Pairs {
            ends: Vec::new(),
            most: raw_len.div_ceil(4),
            start: 0,
            key_end: None,
            last_key_end: None,
        }
    }

    /// Ends the pair being decoded at `len`, and starts the next there.
    fn end(&mut self, len: usize) -> Result<(), &'static str> {
        if len == self.start && self.key_end.is_none() {
            return Err("empty parameter in the application parameters");
        }
        let key_end = self.key_end.take().unwrap_or(len);
        if key_end == self.start {
            return Err("a parameter has an empty key");
        }
        if let Some(previous) = self.last_key_end.replace(key_end) {
            if self.ends.capacity() == 0 {
                self.ends.reserve_exact(self.most);
            }
            self.ends.push((previous, self.start));
        }
        self.start = len;
        Ok(())
    }

    /// The parameters decoded into `text`; `None` unless it is UTF-8 and cut only between
    /// characters, so that every key and value is UTF-8.
    fn packed(self, text: Vec<u8>) -> Option<Params> {
        let Pairs {
            ends, last_key_end, ..
        } = self;
        let last_key_end = last_key_end.unwrap_or(text.len());
        let text = String::from_utf8(text).ok().filter(|t| {
            t.is_char_boundary(last_key_end)
                && ends
                    .iter()
                    .all(|&(k, v)| t.is_char_boundary(k) && t.is_char_boundary(v))
        })?;
        Some(Params::packed_but_last(text, ends, last_key_end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::scope::{params_into, single_edits};

    /// Parameters as twilio-php writes them: one pair; enough pairs for escapes on both sides of
    /// several 64-byte boundaries; escaped `%`s, bytes beyond ASCII and an empty value.
    fn php_written() -> Vec<(Params, String)> {
        let sets: [Vec<(String, String)>; 3] = [
            vec![("Foo".into(), "Bar".into())],
            (1..=12)
                .map(|i| (format!("Param{i:02}"), format!("value {i:02}")))
                .collect(),
            [
                ("to", "+1 (555) 010-9999"),
                ("url", "https://example.com/a?b=c&d=e%20f"),
                ("naïve", "café ☎ 😀"),
                ("e", ""),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec(),
        ];
        sets.iter()
            .map(|pairs| {
                let params = Params::from_pairs(pairs.iter().cloned());
                let mut text = String::new();
                params_into(&mut text, &params);
                (params, text)
            })
            .collect()
    }

    #[test]
    fn twilio_phps_parameters_read_back_as_written() {
        assert_eq!(inner_params(""), Ok(Params::new()));
        for (params, text) in php_written() {
            assert_eq!(inner_params(&text).as_ref(), Ok(&params), "{text}");
            // Hex digits of either case.
            let mut lower = text.clone().into_bytes();
            for i in 0..lower.len() {
                if i > 0 && (lower[i - 1] == b'%' || (i > 1 && lower[i - 2] == b'%')) {
                    lower[i] = lower[i].to_ascii_lowercase();
                }
            }
            let lower = String::from_utf8(lower).unwrap();
            assert_eq!(inner_params(&lower).as_ref(), Ok(&params), "{lower}");
        }
    }

    #[test]
    fn a_character_cut_in_two_is_refused() {
        // `é`'s two bytes, escaped, as the key and the value of one pair, or two pairs.
        for raw in ["a%25C3%3D%25A9", "a%25C3%26%25A9%3Db", "%25C3%25A9%3D%25C3"] {
            assert_eq!(inner_params(raw), Err(NOT_UTF8.to_owned()), "{raw}");
        }
        assert!(inner_params("a%25C3%25A9%3D%25C3%25A9").is_ok());
    }

    /// Every text one edit away from twilio-php's parameters is read or refused, never read
    /// into a key or value that is not UTF-8 or an empty key.
    #[test]
    fn every_single_edit_is_read_or_refused() {
        let (mut read, mut refused) = (0, 0);
        for (_, text) in php_written() {
            for edited in single_edits(&text) {
                match inner_params(&edited) {
                    Ok(params) => {
                        assert!(params.iter().all(|(k, _)| !k.is_empty()), "{edited}");
                        read += 1;
                    }
                    Err(_) => refused += 1,
                }
            }
        }
        assert!(read > 5000 && refused > 100, "{read} {refused}");
    }
}
