//! Finding bytes in a text eight at a time: the searches of the JSON reader and the scope reader.
//!
//! Hand-written because a measurement requires it: `memchr`'s setup costs more than the search
//! in the short texts of a token (a key, a client name, a scope URI), and a byte-by-byte loop
//! takes a branch per byte. Each 8 bytes are read as one word, and a byte that is zero in
//! `word ^ pattern` is a match (the zero-byte test of "Bit Twiddling Hacks", exact for the lowest
//! such byte).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// A high bit in each byte of `x` that is zero; exact for the lowest such byte.
#[inline(always)]
fn zero(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The index of the first byte of `bytes` for which `found` marks a high bit in its word, or
/// `bytes.len()`.
#[inline(always)]
fn scan(bytes: &[u8], found: impl Fn(u64) -> u64) -> usize {
    let (words, rest) = bytes.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let marks = found(u64::from_le_bytes(*word));
        if marks != 0 {
            return i * 8 + (marks.trailing_zeros() / 8) as usize;
        }
    }
    // The last 0 to 7 bytes as the low bytes of one more word, zeros above them: a mark in the
    // zeros is at `bytes.len()` or beyond, and marks go only upwards, so it hides no earlier one.
    // No copy of variable length, which would be a call to `memcpy`.
    let last = match bytes.len() {
        0 => 0,
        1..8 => rest.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b)),
        // The word ending at the last byte, shifted down past the bytes already looked at.
        len => match rest.len() {
            0 => 0,
            n => {
                u64::from_le_bytes(bytes[len - 8..].try_into().unwrap_or_default()) >> (8 * (8 - n))
            }
        },
    };
    let marks = found(last);
    let at = words.len() * 8 + (marks.trailing_zeros() / 8) as usize;
    at.min(bytes.len())
}

/// From this length on, `memchr` (many bytes at a time, after a setup) is faster than words.
const LONG: usize = 64;

/// The index of the first `byte` in `bytes`, if any: words for the first `LONG` bytes, where
/// most delimiters of a token are (a search ends at the first), then `memchr`.
#[inline]
pub(crate) fn find(bytes: &[u8], byte: u8) -> Option<usize> {
    let head = &bytes[..bytes.len().min(LONG)];
    let at = scan(head, |w| zero(w ^ (ONES * u64::from(byte))));
    if at < head.len() {
        return Some(at);
    }
    find_long(bytes, byte)
}

/// [`find`] past the first `LONG` bytes, which hold no `byte`.
#[inline(never)]
fn find_long(bytes: &[u8], byte: u8) -> Option<usize> {
    let rest = bytes.get(LONG..)?;
    memchr::memchr(byte, rest).map(|at| LONG + at)
}

/// The index of the first byte of `bytes` that ends the plain part of a JSON string: `"`, `\`
/// or a control character (below 0x20); `bytes.len()` if there is none.
///
/// Inlined: most strings of a token (keys, SIDs, names) end in the first words, and a call
/// with its setup cost more than the search. Longer ones go on out of line.
#[inline(always)]
pub(crate) fn string_end(bytes: &[u8]) -> usize {
    let head = scan(&bytes[..bytes.len().min(LONG)], special);
    if head < LONG || bytes.len() <= LONG {
        return head;
    }
    string_end_long(bytes)
}

/// [`string_end`] past the first `LONG` bytes, none of which is special: `memchr2` for the
/// quote or the backslash, and one pass without a branch for a control character before it.
#[inline(never)]
fn string_end_long(bytes: &[u8]) -> usize {
    let end = LONG + memchr::memchr2(b'"', b'\\', &bytes[LONG..]).unwrap_or(bytes.len() - LONG);
    let plain = &bytes[LONG..end];
    // Whether any byte is below 0x20: a word at a time, no branch (`below` is exact as to
    // whether a word has one).
    let (words, rest) = plain.as_chunks::<8>();
    let marks = words
        .iter()
        .fold(0, |m, w| m | below(u64::from_le_bytes(*w), 0x20))
        | rest.iter().fold(0, |m, &b| m | u64::from(b < 0x20));
    match marks {
        0 => end,
        _ => LONG + plain.iter().position(|&b| b < 0x20).unwrap_or(end),
    }
}

/// Whether `word` holds a byte that ends the plain part of a JSON string (as [`string_end`]
/// finds them).
#[inline(always)]
pub(crate) fn has_special(word: [u8; 8]) -> bool {
    special(u64::from_le_bytes(word)) != 0
}

/// The bytes that end the plain part of a JSON string, `"`, `\` and the control characters, a
/// byte at a time: [`special`] is the same rule a word at a time (a test checks that they agree),
/// for the JSON reader's plain bytes between escapes.
pub(crate) static STRING_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Marks `"`, `\` and control characters in a word.
#[inline(always)]
fn special(w: u64) -> u64 {
    zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\'))) | below(w, 0x20)
}

/// A high bit in each byte of `w` below `n` (at most 0x80); exact for the lowest such byte.
#[inline(always)]
fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH
}

/// The number of ASCII digits `bytes` starts with: eight bytes a word, so that a long number
/// costs about as much as any text of its length.
pub(crate) fn digits(bytes: &[u8]) -> usize {
    // A byte is no digit if it is below `0`, or above `9` (adding 0x46 sets its high bit), or
    // not ASCII. Carries and borrows go only towards higher bytes: the lowest mark is exact.
    scan(bytes, |w| {
        below(w, b'0') | (w.wrapping_add(ONES * 0x46) & HIGH) | (w & HIGH)
    })
}

/// How many bytes `bytes` starts with that are `byte`: a word at a time, as for [`digits`].
pub(crate) fn leading(bytes: &[u8], byte: u8) -> usize {
    // A high bit in each byte that differs from `byte`: exact for every byte, as no carry
    // crosses bytes (each byte's low seven bits plus 0x7F stay within it).
    scan(bytes, |w| {
        let x = w ^ (ONES * u64::from(byte));
        (x | ((x & !HIGH) + !HIGH)) & HIGH
    })
}

/// The index of the first `%` or `+` in `bytes` (the bytes form decoding changes), or
/// `bytes.len()`: most components of a scope hold neither, and are then borrowed as they are.
pub(crate) fn form_special(bytes: &[u8]) -> usize {
    scan(bytes, |w| {
        zero(w ^ (ONES * u64::from(b'%'))) | zero(w ^ (ONES * u64::from(b'+')))
    })
}

/// The value of each hex digit; 0xFF for other bytes: the `\uXXXX` escapes of the JSON reader
/// and the `%XX` escapes of the scope reader.
pub(crate) static HEX_VALUE: [u8; 256] = {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The leading run of a byte, counted a word at a time, is what a byte loop counts: for every
    /// byte after the run, at every length around the words.
    #[test]
    fn leading_bytes_are_counted_exactly() {
        for run in 0..20 {
            for other in 0..=u8::MAX {
                for tail in [&[][..], b"0", b"00", b"x0"] {
                    let mut bytes = vec![b'0'; run];
                    bytes.push(other);
                    bytes.extend_from_slice(tail);
                    let expected = bytes.iter().take_while(|&&b| b == b'0').count();
                    assert_eq!(leading(&bytes, b'0'), expected, "{run} {other} {tail:?}");
                    assert_eq!(leading(&bytes[..run], b'0'), run);
                }
            }
        }
    }

    #[test]
    fn the_byte_table_and_the_word_scan_end_a_string_at_the_same_bytes() {
        for b in 0..=u8::MAX {
            assert_eq!(
                STRING_SPECIAL[usize::from(b)],
                string_end(&[b]) == 0,
                "{b:#x}"
            );
        }
    }

    #[test]
    fn finds_the_string_end_at_every_offset() {
        for special in [b'"', b'\\', 0, 0x1F] {
            for len in 0..150 {
                for at in 0..=len {
                    let mut text = vec![b'a'; len];
                    if at < len {
                        text[at] = special;
                        if at + 9 < len {
                            text[at + 9] = b'"';
                        }
                    }
                    assert_eq!(string_end(&text), at, "{len} {at}");
                }
            }
        }
    }

    #[test]
    fn counts_digits_and_finds_form_escapes_at_every_offset() {
        for stop in [
            b'/', b':', b'a', b' ', 0, 0x80, 0xFF, b'%', b'+', b'&', b'=',
        ] {
            for len in 0..40 {
                for at in 0..=len {
                    let mut text: Vec<u8> = (0..len).map(|i| b'0' + (i % 10) as u8).collect();
                    if at < len {
                        text[at] = stop;
                        // A later non-digit does not hide it; a carry from a later byte neither.
                        if at + 1 < len {
                            text[len - 1] = 0xFF;
                        }
                    }
                    assert_eq!(digits(&text), at, "{stop} {len} {at}");
                    let escape = text.iter().position(|&b| b == b'%' || b == b'+');
                    assert_eq!(form_special(&text), escape.unwrap_or(len), "{len} {at}");
                }
            }
        }
    }

    #[test]
    fn finds_the_first_at_every_offset() {
        for len in 0..150 {
            for at in 0..=len {
                let mut text = vec![b'a'; len];
                if at < len {
                    text[at] = b'&';
                    // A later one does not hide it.
                    if at + 9 < len {
                        text[at + 9] = b'&';
                    }
                }
                assert_eq!(find(&text, b'&'), (at < len).then_some(at), "{len} {at}");
            }
        }
    }
}
