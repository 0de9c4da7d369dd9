//! The whitespace of Rust, which is narrower than Unicode's: rustc's lexer takes only the
//! characters of `Pattern_White_Space` between tokens, and refuses the other spaces of Unicode's
//! `White_Space` (a no-break space, an ideographic space…) as "unknown start of token".
//! `proc_macro2`, which lexes run-time text, takes them all as spaces (`char::is_whitespace`);
//! this finds them, so that run-time parsing refuses what `capability!` refuses, with rustc's
//! words.

use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};

/// Rust's whitespace: `Pattern_White_Space`, as `rustc_lexer::is_whitespace` lists it.
fn is_rust_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{0009}'
            | '\u{000A}'
            | '\u{000B}'
            | '\u{000C}'
            | '\u{000D}'
            | '\u{0020}'
            | '\u{0085}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The name rustc gives a space it refuses (from its table of confusable characters), for a
/// character `proc_macro2` takes as a space and Rust does not.
fn refused_space(c: char) -> Option<&'static str> {
    if is_rust_whitespace(c) || !c.is_whitespace() {
        return None;
    }
    Some(match c {
        '\u{00A0}' => "No-Break Space",
        '\u{1680}' => "Ogham Space mark",
        '\u{2000}' => "En Quad",
        '\u{2001}' => "Em Quad",
        '\u{2002}' => "En Space",
        '\u{2003}' => "Em Space",
        '\u{2004}' => "Three-Per-Em Space",
        '\u{2005}' => "Four-Per-Em Space",
        '\u{2006}' => "Six-Per-Em Space",
        '\u{2007}' => "Figure Space",
        '\u{2008}' => "Punctuation Space",
        '\u{2009}' => "Thin Space",
        '\u{200A}' => "Hair Space",
        '\u{202F}' => "Narrow No-Break Space",
        '\u{205F}' => "Medium Mathematical Space",
        '\u{3000}' => "Ideographic Space",
        // A space of a later Unicode version: refused all the same.
        _ => "a space",
    })
}

/// Every space between the tokens of `text` that rustc refuses, one mistake per run of the same
/// character, in order, with rustc's message and help. Nothing, in time linear in the text, when
/// the text holds no such character (the common case, checked first).
pub(super) fn not_rust_whitespace(text: &str, tokens: &TokenStream) -> Vec<(String, Range<usize>)> {
    if !text.chars().any(|c| refused_space(c).is_some()) {
        return Vec::new();
    }
    let mut mistakes = Vec::new();
    let mut end = 0;
    for token in token_ranges(tokens) {
        if token.start > end {
            gap(text, end..token.start, &mut mistakes);
        }
        end = end.max(token.end);
    }
    gap(text, end..text.len(), &mut mistakes);
    mistakes
}

/// The byte ranges of every token, delimiters included, in source order; walked with a stack of
/// its own (the nesting is not yet bounded here).
fn token_ranges(tokens: &TokenStream) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut stack = vec![(tokens.clone().into_iter(), None)];
    while let Some((iter, _)) = stack.last_mut() {
        match iter.next() {
            Some(TokenTree::Group(group)) => {
                ranges.push(group.span_open().byte_range());
                stack.push((group.stream().into_iter(), Some(group.span_close())));
            }
            Some(tt) => ranges.push(tt.span().byte_range()),
            None => {
                if let Some((_, Some(close))) = stack.pop() {
                    ranges.push(close.byte_range());
                }
            }
        }
    }
    ranges
}

/// The refused spaces of `range`, a stretch of `text` between two tokens: whitespace and
/// comments only, as `proc_macro2` lexed it. Inside a comment any character is allowed.
fn gap(text: &str, range: Range<usize>, mistakes: &mut Vec<(String, Range<usize>)>) {
    let gap = &text[range.clone()];
    let mut at = 0;
    let mut last: Option<char> = None;
    while at < gap.len() {
        let rest = &gap[at..];
        if rest.starts_with("//") {
            at += rest.find('\n').unwrap_or(rest.len());
            last = None;
            continue;
        }
        if rest.starts_with("/*") {
            at += block_comment_len(rest);
            last = None;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if let Some(name) = refused_space(c) {
            if last != Some(c) {
                let start = range.start + at;
                mistakes.push((
                    format!(
                        "unknown start of token: {}\nhelp: Unicode character '{c}' ({name}) looks \
                         like ' ' (Space), but it is not",
                        c.escape_unicode()
                    ),
                    start..start + c.len_utf8(),
                ));
            }
            last = Some(c);
        } else {
            last = None;
        }
        at += c.len_utf8();
    }
}

/// The length of the block comment `text` starts with, nested comments included (to the end
/// of `text` when it is not closed).
fn block_comment_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match &bytes[i..i + 2] {
            b"/*" => {
                depth += 1;
                i += 2;
            }
            b"*/" => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    text.len()
}
