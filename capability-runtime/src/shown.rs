//! How untrusted text is shown in messages: cut and escaped, so that a hostile token cannot flood
//! a log or write control characters to a terminal.

use std::fmt;

/// Shows at most 64 characters of untrusted text: ASCII escaped as in a Rust string (`\n`,
/// `\"`, `\u{1b}`), the other characters of [`escapes`] as `\u{…}`, the rest as is.
pub(crate) struct Truncated<'a>(pub(crate) &'a str);

impl fmt::Display for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 64;
        let mut after = None;
        for (i, c) in self.0.chars().enumerate() {
            if i == MAX {
                return f.write_str("…");
            }
            if c.is_ascii() {
                let escaped = c.escape_debug();
                after = (escaped.len() == 1).then_some(c);
                write!(f, "{escaped}")?;
            } else if escapes(c, after) {
                write!(f, "{}", c.escape_unicode())?;
                after = None;
            } else {
                write!(f, "{c}")?;
                after = Some(c);
            }
        }
        Ok(())
    }
}

/// Characters that a terminal shows as nothing, as a space, or as a line break, or that
/// reorder the text around them: bidirectional controls and isolates, zero-width characters
/// and the other format characters (Unicode's `Cf`), the other default-ignorable characters
/// (Hangul fillers, the combining grapheme joiner, variation selectors, tags), the line and
/// paragraph separators (U+2028, U+2029), and every space but U+0020. Shown escaped, so that
/// text reads as it is and an identity with U+200B cannot pass for another. Hand-written: the
/// `Cf` list of Unicode 16 and its default-ignorable code points are a few ranges, where a table
/// crate would add to the tree.
fn is_invisible(c: char) -> bool {
    (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Whether `c` is a combining character (Unicode's `Grapheme_Extend`: accents, enclosing marks,
/// …), which a terminal draws on the character before it. Told by the standard library's
/// escaping, which escapes such a character at the start of a string only, and so needs no
/// table here.
fn is_combining(c: char) -> bool {
    if c.is_ascii() || c.escape_debug().len() == 1 {
        return false;
    }
    let mut buf = [0; 5];
    buf[0] = b'a';
    let len = 1 + c.encode_utf8(&mut buf[1..]).len();
    std::str::from_utf8(&buf[..len]).is_ok_and(|after_a| after_a.escape_debug().count() == 2)
}

/// Whether a character of untrusted text (from a token) is shown escaped: a control character,
/// an invisible one (bidirectional controls and isolates, zero-width and other format
/// characters, U+2028 and U+2029, every space but U+0020, …), or a combining one that does not
/// follow a letter, a digit or another character of the text shown as is (`after`): at the start
/// of a field, after punctuation or after an escape, it would be drawn on the punctuation around
/// the field or on the escape, and text of combining marks only would pass for nothing.
///
/// The one rule of this crate's messages and of the `capability` command, for those who print
/// token text themselves:
///
/// ```
/// use capability_runtime::escapes;
///
/// assert!(escapes('\u{200B}', Some('a'))); // zero-width space
/// assert!(escapes('\u{202E}', None)); // right-to-left override
/// assert!(escapes('\u{301}', None)); // a combining accent with nothing to sit on
/// assert!(!escapes('\u{301}', Some('e')));
/// assert!(!escapes('é', None));
/// ```
pub fn escapes(c: char, after: Option<char>) -> bool {
    c.is_control()
        || is_invisible(c)
        || (is_combining(c) && !after.is_some_and(|a| !a.is_ascii_punctuation() && a != ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combining_characters_are_told_without_a_table() {
        assert!(!is_combining('a') && !is_combining('é') && !is_combining('\u{200b}'));
        assert!(is_combining('\u{301}') && is_combining('\u{20dd}'));
    }

    #[test]
    fn messages_escape_what_would_hide_or_pass_for_other_text() {
        let shown = |text: &str| Truncated(text).to_string();
        assert_eq!(shown("Alice"), "Alice");
        assert_eq!(shown("a\u{200b}b\n"), r"a\u{200b}b\n");
        assert_eq!(shown("\u{3164}"), r"\u{3164}");
        assert_eq!(shown("e\u{301}"), "e\u{301}");
        assert_eq!(shown("\n\u{301}"), r"\n\u{301}");
        assert_eq!(shown(&"x".repeat(100)), format!("{}…", "x".repeat(64)));
    }
}
