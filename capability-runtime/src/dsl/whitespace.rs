//! The whitespace of Rust, which is narrower than Unicode's: rustc's lexer takes only the
//! characters of `Pattern_White_Space` between tokens, and refuses the other spaces of Unicode's
//! `White_Space` (a no-break space, an ideographic space…) as "unknown start of token".
//! `proc_macro2`, which lexes run-time text, takes them all as spaces (`char::is_whitespace`);
//! this finds them, so that run-time parsing refuses what `capability!` refuses, with rustc's
//! words.

use std::ops::{ControlFlow, Range};

use proc_macro2::TokenTree;

use super::{walk, Visit};

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
/// character, in order, with rustc's message and help; at most `max + 1` of them (then the
/// error says it was cut short). Nothing, after one pass over the text, when the text holds no
/// such character (the common case).
///
/// Linear in the text: the refused characters are found by one pass that counts their lines
/// and columns as `proc_macro2` does (lines from 1, columns in characters from 0); the tokens,
/// in source order, are compared with them by the line and column `proc_macro2` gives (a binary
/// search each); only a stretch between two tokens that holds a refused character is located in
/// bytes, from that character, and read.
pub(super) fn not_rust_whitespace(
    text: &str,
    trees: &[TokenTree],
    max: usize,
) -> Vec<(String, Range<usize>)> {
    let refused = refused_positions(text);
    if refused.is_empty() {
        return Vec::new();
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut mistakes = Vec::new();
    // `refused[next..]` are after the last token looked at, which ends at `end`.
    let mut next = 0;
    let mut end = (1, 0);
    walk(trees, |visit| {
        let span = match visit {
            Visit::Open(group, _) => group.span_open(),
            Visit::Leaf(tree) => tree.span(),
            Visit::Close(span) => span,
        };
        let start = position(span.start());
        let first = next;
        while next < refused.len() && refused[next].1 < start {
            next += 1;
        }
        // Those before `end` were inside the previous token (a string); the others are
        // between it and this one, in a comment or not.
        let between = first + refused[first..next].partition_point(|r| r.1 < end);
        if between < next {
            let from = byte_at(text, &line_starts, refused[between], end);
            let to = byte_at(text, &line_starts, refused[next - 1], start);
            gap(text, from..to.max(from), &mut mistakes);
        }
        end = end.max(position(span.end()));
        match mistakes.len() > max || next == refused.len() {
            true => ControlFlow::Break(()),
            false => ControlFlow::Continue(()),
        }
    });
    // After the last token.
    if mistakes.len() <= max {
        let between = next + refused[next..].partition_point(|r| r.1 < end);
        if between < refused.len() {
            let from = byte_at(text, &line_starts, refused[between], end);
            gap(text, from..text.len(), &mut mistakes);
        }
    }
    mistakes.truncate(max + 1);
    mistakes
}

/// A position as `proc_macro2` gives it: the line from 1, the column in characters from 0.
fn position(at: proc_macro2::LineColumn) -> (usize, usize) {
    (at.line, at.column)
}

/// The byte offset of each refused character, with its position.
fn refused_positions(text: &str) -> Vec<(usize, (usize, usize))> {
    let mut found = Vec::new();
    let (mut line, mut column) = (1, 0);
    for (at, c) in text.char_indices() {
        if refused_space(c).is_some() {
            found.push((at, (line, column)));
        }
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
    }
    found
}

/// The byte offset of the position `at`, counted in characters from `anchor` (a refused
/// character of the same stretch between two tokens) when on its line, else from the start of
/// `at`'s line: what is read lies within that stretch, or is a line read once.
fn byte_at(
    text: &str,
    line_starts: &[usize],
    anchor: (usize, (usize, usize)),
    at: (usize, usize),
) -> usize {
    let (byte, (line, column)) = anchor;
    let step = |from: usize, chars: usize| {
        from + text[from..]
            .char_indices()
            .nth(chars)
            .map_or(text.len() - from, |(i, _)| i)
    };
    if line != at.0 {
        let start = line_starts.get(at.0 - 1).copied().unwrap_or(text.len());
        return step(start, at.1);
    }
    if column <= at.1 {
        return step(byte, at.1 - column);
    }
    text[..byte]
        .char_indices()
        .rev()
        .nth(column - at.1 - 1)
        .map_or(0, |(i, _)| i)
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
