//! The steps of the `const` checks that hold what a macro embeds to what it claims: a policy of
//! literals carries its encoding (a capability token's scope, an Access Token's claims, their
//! base64url), computed at compile time by this crate's encoders, and rebuilding the policy
//! compares that text with the grants it comes with, so that no hidden constructor makes a policy
//! whose tokens grant something else than it says.
//!
//! Each step compares the text from `at` on and returns where the match ends, or [`NO`].

/// A mismatch; every step passes it on.
pub(crate) const NO: usize = usize::MAX;

/// `text` at `at` is `expected`.
pub(crate) const fn same(text: &[u8], at: usize, expected: &[u8]) -> usize {
    if at == NO || at + expected.len() > text.len() {
        return NO;
    }
    let mut i = 0;
    while i < expected.len() {
        if text[at + i] != expected[i] {
            return NO;
        }
        i += 1;
    }
    at + expected.len()
}

/// The character of the valid UTF-8 `bytes` at `i`, and its length.
pub(crate) const fn char_at(bytes: &[u8], i: usize) -> (char, usize) {
    const fn cont(bytes: &[u8], at: usize) -> u32 {
        bytes[at] as u32 & 0x3F
    }
    let b = bytes[i] as u32;
    let (code, len) = match b {
        0..=0x7F => (b, 1),
        0xC0..=0xDF => ((b & 0x1F) << 6 | cont(bytes, i + 1), 2),
        0xE0..=0xEF => (
            (b & 0x0F) << 12 | cont(bytes, i + 1) << 6 | cont(bytes, i + 2),
            3,
        ),
        _ => (
            (b & 0x07) << 18
                | cont(bytes, i + 1) << 12
                | cont(bytes, i + 2) << 6
                | cont(bytes, i + 3),
            4,
        ),
    };
    match char::from_u32(code) {
        Some(c) => (c, len),
        None => (char::REPLACEMENT_CHARACTER, len),
    }
}

/// `parts` one after the other in a buffer of `N` bytes, and their length; `None` if longer.
pub(crate) const fn joined<const N: usize>(parts: &[&[u8]]) -> Option<([u8; N], usize)> {
    let mut text = [0u8; N];
    let mut len = 0;
    let mut i = 0;
    while i < parts.len() {
        let mut k = 0;
        while k < parts[i].len() {
            if len == N {
                return None;
            }
            text[len] = parts[i][k];
            len += 1;
            k += 1;
        }
        i += 1;
    }
    Some((text, len))
}

/// `b64` is the unpadded base64url of `text`.
pub(crate) const fn is_b64_of(text: &[u8], b64: &[u8]) -> bool {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if b64.len() != crate::limits::b64_len(text.len()) {
        return false;
    }
    let mut i = 0;
    while i < text.len() {
        const fn byte(text: &[u8], at: usize) -> u32 {
            if at < text.len() {
                text[at] as u32
            } else {
                0
            }
        }
        let n = byte(text, i) << 16 | byte(text, i + 1) << 8 | byte(text, i + 2);
        let mut k = 0;
        while k < 4 && i / 3 * 4 + k < b64.len() {
            if b64[i / 3 * 4 + k] != ALPHABET[((n >> (18 - 6 * k)) & 0x3F) as usize] {
                return false;
            }
            k += 1;
        }
        i += 3;
    }
    true
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use super::*;

    #[test]
    fn base64url_of_every_length_and_no_other() {
        let text: Vec<u8> = (0..=255u8).rev().collect();
        for len in 0..70 {
            let b64 = URL_SAFE_NO_PAD.encode(&text[..len]);
            assert!(is_b64_of(&text[..len], b64.as_bytes()), "{len}");
            for i in 0..b64.len() {
                let mut wrong = b64.clone().into_bytes();
                wrong[i] = if wrong[i] == b'A' { b'B' } else { b'A' };
                assert!(!is_b64_of(&text[..len], &wrong), "{len} {i}");
            }
            assert!(!is_b64_of(&text[..len], format!("{b64}A").as_bytes()));
        }
    }

    #[test]
    fn characters_of_every_width() {
        let text = "a\u{e9}\u{2028}\u{1F600}";
        let (mut i, mut chars) = (0, Vec::new());
        while i < text.len() {
            let (c, len) = char_at(text.as_bytes(), i);
            chars.push(c);
            i += len;
        }
        assert_eq!(chars, text.chars().collect::<Vec<_>>());
        assert_eq!(same(b"abc", 1, b"bc"), 3);
        assert_eq!(same(b"abc", 1, b"bd"), NO);
        assert_eq!(same(b"abc", NO, b""), NO);
    }
}
