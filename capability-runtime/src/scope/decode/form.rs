//! Form decoding, as PHP's `urldecode` and Python's `unquote_plus` read it: of one component of a
//! scope URI's query, and of the parameters, which are form-encoded twice.
//!
//! Hand-written rather than `percent-encoding`'s iterator, as measured on a 50-parameter token:
//! [`inner_params`] decodes the parameters twice in one pass, which that iterator cannot do, at a
//! fifth of its cost; [`php_params`] reads twilio-php's layout of them in about half the time
//! of [`inner_params`].

use std::borrow::Cow;

use super::EVENTS_PATH_ENCODED;
use crate::grants::Params;
use crate::scope::EVENTS_PATH;

pub(super) const NOT_UTF8: &str = "a parameter is not UTF-8 once decoded";

/// Form-decodes one component (see [`form_decoded`]); the result must be UTF-8. Borrows
/// when there is nothing to decode.
pub(super) fn form_decode(raw: &str) -> Result<Cow<'_, str>, String> {
    if memchr::memchr2(b'+', b'%', raw.as_bytes()).is_none() {
        return Ok(Cow::Borrowed(raw));
    }
    if raw == EVENTS_PATH_ENCODED {
        return Ok(Cow::Borrowed(EVENTS_PATH));
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw.as_bytes();
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
    let (high, low) = (HEX[usize::from(high)], HEX[usize::from(low)]);
    ((high | low) < 16).then_some(high << 4 | low)
}

/// The value of each hex digit; 0xFF for other bytes.
static HEX: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut b = 0;
    while b < 10 {
        table[b'0' as usize + b] = b as u8;
        b += 1;
    }
    let mut b = 0;
    while b < 6 {
        table[b'a' as usize + b] = 10 + b as u8;
        table[b'A' as usize + b] = 10 + b as u8;
        b += 1;
    }
    table
};

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
    // measured faster than pushing).
    let mut text = vec![0u8; raw.len()];
    let mut len = 0;
    let mut pairs = Pairs::new(raw.len());
    let mut at = 0;
    loop {
        // Most bytes: kept by both decodings.
        if let Some(&b) = raw.get(at) {
            if PLAIN[usize::from(b)] {
                text[len] = b;
                (len, at) = (len + 1, at + 1);
                continue;
            }
        }
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
    pairs.packed(text, false).ok_or_else(|| NOT_UTF8.into())
}

/// Where the pairs decoded so far into one buffer of keys and values end, and the checks each
/// pair gets: both readers keep them here.
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
    /// characters, so that every key and value is UTF-8. `cut_in_ascii`: the cuts are known to
    /// fall between characters.
    fn packed(self, text: Vec<u8>, cut_in_ascii: bool) -> Option<Params> {
        let Pairs {
            ends, last_key_end, ..
        } = self;
        let last_key_end = last_key_end.unwrap_or(text.len());
        let text = String::from_utf8(text).ok().filter(|t| {
            cut_in_ascii
                || (t.is_char_boundary(last_key_end)
                    && ends
                        .iter()
                        .all(|&(k, v)| t.is_char_boundary(k) && t.is_char_boundary(v)))
        })?;
        Some(Params::packed_but_last(text, ends, last_key_end))
    }
}

/// Which of the 64 bytes at `chunk` are `%` (bit `i` for byte `i`), and whether any is `+`,
/// `&` or `=`. Written to be vectorized: the compares fill byte arrays (SSE2 or NEON compares
/// at `opt-level = 3`) and each 8 flags become 8 bits with one multiply.
#[inline(always)]
fn escapes_and_others(chunk: &[u8; 64]) -> (u64, bool) {
    let (mut percent, mut other) = ([0u8; 64], [0u8; 64]);
    for ((&b, p), o) in chunk.iter().zip(&mut percent).zip(&mut other) {
        *p = u8::from(b == b'%');
        *o = u8::from(b == b'+') | u8::from(b == b'&') | u8::from(b == b'=');
    }
    let (mut escapes, mut others) = (0u64, 0u64);
    for (i, (p, o)) in percent
        .chunks_exact(8)
        .zip(other.chunks_exact(8))
        .enumerate()
    {
        let word = |flags: &[u8]| u64::from_le_bytes(flags.try_into().unwrap_or_default());
        // Byte `j`'s flag (0 or 1) lands on bit 56 + `j`, and no two products overlap.
        escapes |= (word(p).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * i);
        others |= word(o);
    }
    (escapes, others != 0)
}

/// [`inner_params`] of parameters as twilio-php writes them: every `%` starts an escape,
/// and a `%25` escape (an escaped `%`) is followed by two hex digits; no `+`, `&` or `=` is
/// left unencoded. `None` for anything else, valid or not, which the general reader then
/// reads: what this reads, it reads the same.
///
/// The runs of bytes between escapes are found 64 bytes at a time and copied 16 at a time,
/// which the byte loop of [`inner_params`] cannot do: 0.54× its time on 50 parameters (measured
/// interleaved, median of 4,000 rounds; five runs, 0.54–0.56).
pub(super) fn php_params(raw: &[u8]) -> Option<Params> {
    /// Copied ahead: the buffer has this much more room than the text can take.
    const AHEAD: usize = 16;
    if raw.is_empty() {
        return Some(Params::new());
    }
    let n = raw.len();
    let mut text = vec![0u8; n + AHEAD];
    let (mut len, mut at) = (0, 0);
    let mut pairs = Pairs::new(n);
    // The bits of every byte an escape decoded to.
    let mut decoded_bits = 0;
    for (chunk_start, chunk) in (0..n).step_by(64).map(|i| (i, &raw[i..])) {
        let (mut escapes, others) = match chunk.first_chunk::<64>() {
            Some(chunk) => escapes_and_others(chunk),
            None => {
                let mut last = [0u8; 64];
                last[..chunk.len()].copy_from_slice(chunk);
                escapes_and_others(&last)
            }
        };
        if others {
            return None;
        }
        while escapes != 0 {
            let escape = chunk_start + escapes.trailing_zeros() as usize;
            escapes &= escapes - 1;
            if escape < at {
                // The digits of an escaped `%`.
                continue;
            }
            let run = escape - at;
            match raw.get(at..at + AHEAD) {
                Some(ahead) if run <= AHEAD => text[len..len + AHEAD].copy_from_slice(ahead),
                _ => text[len..len + run].copy_from_slice(&raw[at..escape]),
            }
            len += run;
            let digits = raw.get(escape + 1..escape + 3)?;
            at = escape + 3;
            // Matched on the digits: the bytes that delimit or decode again have no other
            // spelling, and a jump table on the decoded byte measured slower.
            let decoded = match (digits[0], digits[1]) {
                (b'2', b'6') => {
                    pairs.end(len).ok()?;
                    continue;
                }
                (b'3', b'D' | b'd') if pairs.key_end.is_none() => {
                    pairs.key_end = Some(len);
                    continue;
                }
                (b'2', b'B' | b'b') => b' ',
                (b'2', b'5') => {
                    let digits = raw.get(escape + 3..escape + 5)?;
                    at = escape + 5;
                    hex_pair(digits[0], digits[1])?
                }
                (high, low) => hex_pair(high, low)?,
            };
            text[len] = decoded;
            decoded_bits |= decoded;
            len += 1;
        }
    }
    let last_run = &raw[at..];
    text[len..len + last_run.len()].copy_from_slice(last_run);
    len += last_run.len();
    pairs.end(len).ok()?;
    text.truncate(len);
    // When every escape decoded to ASCII, the text is runs of `raw` (UTF-8, cut at `%`s) and
    // ASCII bytes, cut only where they meet.
    pairs.packed(text, decoded_bits < 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{params_into, single_edits};

    /// Parameters as twilio-php writes them: one pair; enough pairs for escapes on both sides of
    /// several 64-byte boundaries; escaped `%`s, bytes beyond ASCII and an empty value.
    fn php_written() -> Vec<String> {
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
                let mut text = String::new();
                params_into(&mut text, &Params::from_pairs(pairs.iter().cloned()));
                text
            })
            .collect()
    }

    /// What `php_params` reads, `inner_params` reads the same; what it does not, the general
    /// reader is left to read or refuse.
    fn agree(raw: &str) -> bool {
        match php_params(raw.as_bytes()) {
            Some(fast) => {
                assert_eq!(inner_params(raw), Ok(fast), "{raw}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn twilio_phps_parameters_read_as_the_general_reader_reads_them() {
        assert!(agree(""));
        for text in php_written() {
            assert!(agree(&text), "{text}");
            assert!(agree(&text.to_lowercase()), "{text}");
            // Every escape at every offset from the 64-byte boundaries.
            for shift in 1..64 {
                assert!(agree(&format!("{}{text}", "x".repeat(shift))), "{text}");
            }
        }
    }

    #[test]
    fn escapes_and_others_finds_each_byte_where_it_is() {
        for i in 0..64 {
            let mut chunk = [b'a'; 64];
            chunk[i] = b'%';
            assert_eq!(escapes_and_others(&chunk), (1 << i, false));
            for other in *b"+&=" {
                chunk[63 - i] = other;
                let escapes = if i == 63 - i { 0 } else { 1 << i };
                assert_eq!(escapes_and_others(&chunk), (escapes, true));
            }
        }
        assert_eq!(escapes_and_others(&[b'%'; 64]), (u64::MAX, false));
    }

    #[test]
    fn a_character_cut_in_two_is_refused() {
        // `é`'s two bytes, escaped, as the key and the value of one pair, or two pairs.
        for raw in ["a%25C3%3D%25A9", "a%25C3%26%25A9%3Db", "%25C3%25A9%3D%25C3"] {
            assert!(!agree(raw), "{raw}");
            assert_eq!(inner_params(raw), Err(NOT_UTF8.to_owned()), "{raw}");
        }
        assert!(agree("a%25C3%25A9%3D%25C3%25A9"));
    }

    #[test]
    fn every_single_edit_reads_as_the_general_reader_reads_it() {
        let (mut fast, mut general) = (0, 0);
        for text in php_written() {
            for edited in single_edits(&text) {
                match agree(&edited) {
                    true => fast += 1,
                    false => general += 1,
                }
            }
        }
        // Both readers see many of them: an edited letter stays in twilio-php's layout, an
        // unencoded `+` does not.
        assert!(fast > 5000 && general > 5000, "{fast} {general}");
    }
}
