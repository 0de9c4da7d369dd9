//! What the command prints: styles, untrusted text made safe for a terminal, secrets taken out,
//! and the streams (which drop the colour off a terminal and under `NO_COLOR`).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write as _};

use anstyle::{AnsiColor, Style};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
pub const HEADING: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();

/// `text` in `style`: ANSI codes, which the streams strip when colour is off.
pub fn styled(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// The exit status and what to print: a command's whole result.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
    /// Standard output is a token, printed as it is: never cleaned of anything.
    pub stdout_is_token: bool,
}

impl Outcome {
    /// A failure: `error: <message>` on standard error, and `code`.
    pub fn error(code: u8, message: impl std::fmt::Display) -> Outcome {
        Outcome {
            stderr: error_line("error", &message),
            code,
            ..Outcome::default()
        }
    }
}

/// `<label>: <message>` on one line: the label styled, the message cleaned of line breaks.
pub fn error_line(label: &str, message: &dyn std::fmt::Display) -> String {
    let message = message.to_string().replace(['\n', '\r'], " ");
    format!("{}: {}\n", styled(ERROR, label), clean(&message))
}

/// Writes an outcome: every secret in `secrets` replaced (except in a token, which holds none),
/// and what a terminal would act on or hide escaped ([`terminal_safe`]), standard output then
/// standard error.
pub fn emit(outcome: &Outcome, secrets: &[String]) {
    let stdout = match outcome.stdout_is_token {
        true => Cow::Borrowed(outcome.stdout.as_str()),
        false => scrub(&outcome.stdout, secrets),
    };
    let stderr = scrub(&outcome.stderr, secrets);
    // A closed pipe (`capability decode … | head`) is not an error worth a message.
    let _ = anstream::stdout().write_all(terminal_safe(&stdout).as_bytes());
    let _ = anstream::stderr().write_all(terminal_safe(&stderr).as_bytes());
}

/// Whether colour reaches the stream: a terminal, and neither `NO_COLOR` nor `CLICOLOR=0`.
pub fn stderr_has_colour() -> bool {
    anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never
}

/// The shortest secret that is found inside a longer word, and in base64. A shorter value (a
/// test token such as `12345`) occurs by chance inside numbers and words, so it is replaced only
/// where it stands as a word of its own; a real one (Twilio's are 32 characters) occurs only where
/// it was put.
const FOUND_IN_WORDS: usize = 16;

/// `text` with every secret replaced by `[redacted]`, in every form printing may have given it:
/// as is, percent-encoded once or twice (hexadecimal digits in either case, `+` for a space),
/// escaped as JSON (`\u00e9`, `\"`) or as Rust (`\u{e9}`), and in base64 or base64url at each
/// of its three alignments. A secret of [`FOUND_IN_WORDS`] characters or more is replaced
/// wherever it stands, except as the 32 hexadecimal digits of a SID (the test credentials of the
/// official libraries use the digits of their SIDs as the secret); a shorter one only where
/// no letter or digit touches it.
pub fn scrub<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut text = Cow::Borrowed(text);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let found = occurrences(&text, secret);
        if found.is_empty() {
            continue;
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for range in found {
            out.push_str(&text[last..range.start]);
            out.push_str("[redacted]");
            last = range.end;
        }
        out.push_str(&text[last..]);
        text = Cow::Owned(out);
    }
    text
}

/// Where `secret` stands in `text`, in any of the forms of [`scrub`]: byte ranges, in order,
/// not overlapping.
fn occurrences(text: &str, secret: &str) -> Vec<std::ops::Range<usize>> {
    let long = secret.chars().count() >= FOUND_IN_WORDS;
    let cores = match long {
        true => base64_cores(secret.as_bytes()),
        false => Vec::new(),
    };
    let secret: Vec<char> = secret.chars().collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let written = written_at(text, at, &secret)
            .filter(|&end| match long {
                true => !sid_digits(text, at..end, &secret),
                false => alone(text, at..end),
            })
            .or_else(|| {
                cores
                    .iter()
                    .find(|core| text[at..].starts_with(core.as_str()))
                    .map(|core| at + core.len())
            });
        match written {
            Some(end) => {
                found.push(at..end);
                at = end;
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// The end of the longest writing of `secret` that starts at `at` in `text`, each of its
/// characters in any of the forms of [`written_forms`]. The positions reachable after each
/// character are kept as a set, so that forms that begin alike (`%` and `%25`) cost no more
/// than their number.
fn written_at(text: &str, at: usize, secret: &[char]) -> Option<usize> {
    let mut reached = vec![at];
    for &c in secret {
        let mut next: Vec<usize> = reached
            .iter()
            .flat_map(|&p| written_forms(text.as_bytes(), p, c))
            .collect();
        next.sort_unstable();
        next.dedup();
        if next.is_empty() {
            return None;
        }
        reached = next;
    }
    reached.last().copied()
}

/// The ends of the writings of the character `c` that start at `at` in `text`: itself; its
/// UTF-8 bytes percent-encoded once (`%2B`) or twice (`%252B`), in either case; `+` (also
/// encoded: `%2B`) for a space; JSON's `\uXXXX` (a surrogate pair beyond U+FFFF) and Rust's
/// `\u{…}`, in either case; and the backslash escapes of both (`\"`, `\\`, `\n`, …).
fn written_forms(text: &[u8], at: usize, c: char) -> Vec<usize> {
    let rest = &text[at..];
    let mut ends = Vec::new();
    let mut utf8 = [0; 4];
    let utf8 = c.encode_utf8(&mut utf8).as_bytes();
    if rest.starts_with(utf8) {
        ends.push(at + utf8.len());
    }
    // Percent-encoded, each byte once or twice.
    let mut reached = vec![at];
    for &byte in utf8 {
        let mut next = Vec::new();
        for &p in &reached {
            for prefix in [&b"%"[..], b"%25"] {
                let end = p + prefix.len() + 2;
                let matches = text.get(p..end).is_some_and(|t| {
                    t[..prefix.len()].eq_ignore_ascii_case(prefix)
                        && hex_pair(&t[prefix.len()..]) == Some(byte)
                });
                if matches {
                    next.push(end);
                }
            }
        }
        reached = next;
    }
    ends.extend(reached);
    if c == ' ' {
        if rest.starts_with(b"+") {
            ends.push(at + 1);
        }
        if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%2B") {
            ends.push(at + 3);
        }
    }
    // JSON's `\uXXXX`, one or two of them.
    let mut units = [0; 2];
    let mut p = at;
    let mut json = true;
    for &unit in c.encode_utf16(&mut units).iter() {
        match text.get(p..p + 6) {
            Some(t) if t.starts_with(b"\\u") && hex_unit(&t[2..]) == Some(unit) => p += 6,
            _ => json = false,
        }
    }
    if json {
        ends.push(p);
    }
    // Rust's `\u{…}`.
    if let Some(body) = rest.strip_prefix(b"\\u{") {
        if let Some(close) = body.iter().take(7).position(|&b| b == b'}') {
            let digits = std::str::from_utf8(&body[..close]).ok();
            let value = digits
                .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|d| u32::from_str_radix(d, 16).ok());
            if value == Some(c as u32) {
                ends.push(at + 3 + close + 1);
            }
        }
    }
    let escape = match c {
        '"' => Some(b'"'),
        '\'' => Some(b'\''),
        '\\' => Some(b'\\'),
        '/' => Some(b'/'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        '\0' => Some(b'0'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        _ => None,
    };
    if let Some(e) = escape {
        if rest.starts_with(&[b'\\', e]) {
            ends.push(at + 2);
        }
    }
    ends
}

/// The byte two hexadecimal digits (either case) stand for.
fn hex_pair(digits: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(digits.get(..2)?).ok()?;
    match text.bytes().all(|b| b.is_ascii_hexdigit()) {
        true => u8::from_str_radix(text, 16).ok(),
        false => None,
    }
}

/// The UTF-16 unit four hexadecimal digits (either case) stand for.
fn hex_unit(digits: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(digits.get(..4)?).ok()?;
    match text.bytes().all(|b| b.is_ascii_hexdigit()) {
        true => u16::from_str_radix(text, 16).ok(),
        false => None,
    }
}

/// Whether no letter or digit touches `range` of `text`.
fn alone(text: &str, range: std::ops::Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    ![before, after]
        .into_iter()
        .flatten()
        .any(|c| c.is_ascii_alphanumeric())
}

/// Whether `range` of `text` is `secret` as is, and the 32 hexadecimal digits of a word of
/// the shape of a SID (two capital letters, then the digits).
fn sid_digits(text: &str, range: std::ops::Range<usize>, secret: &[char]) -> bool {
    let bytes = text.as_bytes();
    range.len() == 32
        && secret.len() == 32
        && secret.iter().all(char::is_ascii_hexdigit)
        && range.start >= 2
        && bytes[range.start - 2..range.start]
            .iter()
            .all(u8::is_ascii_uppercase)
        && alone(text, range.start - 2..range.end)
}

/// The base64 of `secret` that every base64 (or base64url) text holding it holds, whatever the
/// bytes around it: for each of the three alignments, the encoding of the whole groups of three
/// bytes that it starts, in both alphabets.
fn base64_cores(secret: &[u8]) -> Vec<String> {
    const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut cores = Vec::new();
    for skip in 0..3 {
        let Some(bytes) = secret.get(skip..) else {
            continue;
        };
        let mut core = String::new();
        for group in bytes.chunks_exact(3) {
            let n = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
            for shift in [18, 12, 6, 0] {
                core.push(STANDARD[(n >> shift & 63) as usize] as char);
            }
        }
        if core.is_empty() {
            continue;
        }
        let url = core.replace('+', "-").replace('/', "_");
        cores.push(core);
        cores.push(url);
    }
    cores
}

/// The name of the variable whose secret [`scrub`] finds in one of `texts`, or in what they say
/// once URL-decoded, once or twice (a parameter of a
/// capability token's scope is encoded twice: `%3D` before its value). What is checked is the
/// decoded text, before any encoding that printing it would apply.
pub fn secret_in<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    secrets: &[(&'static str, String)],
) -> Option<&'static str> {
    for text in texts {
        let once = url_decoded(text);
        let twice = url_decoded(&once);
        for form in [text, once.as_str(), twice.as_str()] {
            for (name, secret) in secrets {
                if scrub(form, std::slice::from_ref(secret)) != form {
                    return Some(name);
                }
            }
        }
    }
    None
}

/// `text` URL-decoded: `%XX` as its byte, `+` as a space; a `%` not followed by two hexadecimal
/// digits is kept. Hand-written: a few lines, where a crate would add one to the tree.
fn url_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' => {
                let digit = |at: usize| bytes.get(at).and_then(|&b| hex(b));
                match (digit(i + 1), digit(i + 2)) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a character of untrusted text is shown escaped: the library's one rule
/// ([`capability_runtime::escapes`]).
fn escaped(c: char, after: Option<char>) -> bool {
    capability_runtime::escapes(c, after)
}

/// Untrusted text (from a token) made safe to print: control characters (escape sequences
/// included) escaped as in Rust (`\n`, `\u{1b}`), and the other characters of [`escaped`] as
/// `\u{…}`; the rest as is.
pub fn clean(text: &str) -> Cow<'_, str> {
    let mut after = None;
    if !text.chars().any(|c| {
        let shown = escaped(c, after);
        after = Some(c);
        shown
    }) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut after = None;
    for c in text.chars() {
        after = push_shown(&mut out, c, after);
    }
    Cow::Owned(out)
}

/// Writes `c`, a character of untrusted text after `after` (the character before it shown as
/// is, if any), to `out` as [`clean`] shows it: a control character escaped as in Rust (`\n`,
/// `\u{1b}`), another of [`escaped`] as `\u{…}`, the rest as is. What `after` becomes.
fn push_shown(out: &mut String, c: char, after: Option<char>) -> Option<char> {
    if c.is_control() {
        let _ = write!(out, "{}", c.escape_debug());
        None
    } else if escaped(c, after) {
        let _ = write!(out, "{}", c.escape_unicode());
        None
    } else {
        out.push(c);
        Some(c)
    }
}

/// Untrusted text in double quotes, escaped as a Rust string literal is (`\"`, `\\`, `\n`,
/// `\u{1b}`, combining characters), invisible characters included: safe to print, and
/// unambiguous.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if escaped(c, None) && !c.is_control() {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            let _ = write!(out, "{}", c.escape_debug());
        }
    }
    out.push('"');
    out
}

/// Multi-line text (pretty JSON) made safe to print: as [`clean`], line breaks kept.
pub fn clean_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| clean(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// JSON text with the characters that serde_json leaves raw in strings but a terminal acts on
/// or hides (DEL, the C1 controls, the other characters of [`escaped`], a combining character
/// at the start of a string or after an escape included) escaped as `\uXXXX` (a surrogate pair
/// beyond U+FFFF): still the same JSON. serde_json escapes the C0 controls itself; outside
/// strings, JSON holds only ASCII.
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut chars = json.chars();
    let mut in_string = false;
    // The character of the string before this one, when it is shown as is.
    let mut after = None;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_string = !in_string;
                after = None;
                out.push(c);
            }
            '\\' if in_string => {
                out.push(c);
                match chars.next() {
                    Some('u') => {
                        out.push('u');
                        out.extend(chars.by_ref().take(4));
                    }
                    Some(e) => out.push(e),
                    None => {}
                }
                after = None;
            }
            c if c as u32 >= 0x7f && escaped(c, after) => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
                after = None;
            }
            c => {
                out.push(c);
                after = Some(c);
            }
        }
    }
    out
}

/// The whole of what is printed, made safe for a terminal whatever a command forgot: in each
/// line, every control character but the ANSI colour sequences (`ESC [ … m`) that [`styled`]
/// writes, and every other character of [`escaped`], escaped as [`clean`] escapes them; a line
/// of JSON as [`json_safe`] escapes it, so that it stays the same JSON. Fields of untrusted text
/// are escaped where they are written ([`clean`], [`quoted`], [`json_safe`]), by the same rule:
/// this finds nothing in what they wrote. A colour sequence in untrusted text is escaped where it
/// is written.
fn terminal_safe(text: &str) -> Cow<'_, str> {
    let mut after = None;
    let mut lines = text.split('\n');
    let clear = lines.all(|line| {
        match line.starts_with('{') && serde_json::from_str::<serde_json::Value>(line).is_ok() {
            true => json_safe(line) == line,
            false => line.char_indices().all(|(at, c)| {
                let shown = escaped(c, after) && !is_colour(line, at);
                after = Some(c);
                !shown
            }),
        }
    });
    if clear {
        return Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            if line.starts_with('{') && serde_json::from_str::<serde_json::Value>(line).is_ok() {
                return json_safe(line);
            }
            let mut out = String::with_capacity(line.len() + 16);
            let mut after = None;
            for (at, c) in line.char_indices() {
                if is_colour(line, at) {
                    out.push(c);
                    after = None;
                } else {
                    after = push_shown(&mut out, c, after);
                }
            }
            out
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Whether the character at `at` in `line` is the ESC of an ANSI colour sequence (`ESC [`,
/// digits and `;`, `m`), as [`styled`] writes them.
fn is_colour(line: &str, at: usize) -> bool {
    let Some(rest) = line.as_bytes()[at..].strip_prefix(b"\x1b[") else {
        return false;
    };
    rest.iter()
        .position(|&b| !(b.is_ascii_digit() || b == b';'))
        .is_some_and(|end| rest[end] == b'm')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_what_a_terminal_acts_on() {
        assert_eq!(clean("Alice"), "Alice");
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(clean("a\nb\u{9b}c"), "a\\nb\\u{9b}c");
        assert_eq!(clean("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(clean("ü€"), "ü€");
        assert_eq!(
            quoted("a\"b\\c\u{1b}\u{202e}ü"),
            "\"a\\\"b\\\\c\\u{1b}\\u{202e}ü\""
        );
        assert_eq!(clean_lines("{\n  \"a\u{7f}\"\n}"), "{\n  \"a\\u{7f}\"\n}");
    }

    #[test]
    fn combining_characters_are_escaped_where_they_would_join_punctuation() {
        assert_eq!(clean("\u{301}"), "\\u{301}");
        assert_eq!(clean("\u{301}\u{302}"), "\\u{301}\\u{302}");
        assert_eq!(clean("e\u{301}"), "e\u{301}");
        assert_eq!(clean("\u{200b}\u{301}"), "\\u{200b}\\u{301}");
        assert_eq!(clean("a \u{20dd}"), "a \\u{20dd}");
        assert_eq!(clean("\u{3164}x\u{fe0f}"), "\\u{3164}x\\u{fe0f}");
        assert_eq!(quoted("\u{301}"), "\"\\u{301}\"");
        let json = serde_json::json!({"\u{301}": ["\u{301}", "e\u{301}", "\n\u{301}", "\u{3164}"]});
        let safe = json_safe(&json.to_string());
        assert_eq!(
            safe,
            format!(
                r#"{{"\u0301":["\u0301","e{}","\n\u0301","\u3164"]}}"#,
                '\u{301}'
            )
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            json
        );
    }

    #[test]
    fn everything_printed_is_made_safe_but_colour_and_json() {
        let colour = styled(ERROR, "error");
        assert_eq!(terminal_safe(&colour), colour);
        assert_eq!(
            terminal_safe("a\u{200b}b\n\u{1b}]0;x\u{7}\n\"\u{301}\""),
            "a\\u{200b}b\n\\u{1b}]0;x\\u{7}\n\"\\u{301}\""
        );
        let json = format!("{}\n", serde_json::json!({"a": "[redacted]\u{301}"}));
        assert_eq!(terminal_safe(&json), json_safe(&json));
        assert!(serde_json::from_str::<serde_json::Value>(&terminal_safe(&json)).is_ok());
    }

    #[test]
    fn json_safe_is_the_same_json() {
        let value = serde_json::json!({"a": "x\u{7f}\u{9b}\u{202e}y\n\u{1b}", "é": 1});
        let text = serde_json::to_string(&value).unwrap();
        let safe = json_safe(&text);
        assert!(safe.chars().all(|c| !escaped(c, Some('a'))));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }

    #[test]
    fn scrub_replaces_every_secret() {
        let secrets = ["s3cret".to_owned(), String::new()];
        assert_eq!(
            scrub("a s3cret b s3cret", &secrets),
            "a [redacted] b [redacted]"
        );
        assert_eq!(scrub("nothing", &secrets), "nothing");
    }

    #[test]
    fn scrub_finds_a_secret_in_every_printed_form() {
        let secret = "Kq7+vN3x/T1m \"K7pL=0wR5yB2cH9é".to_owned();
        let secrets = [secret.clone()];
        let json = serde_json::to_string(&serde_json::json!({ "k": secret })).unwrap();
        let forms = [
            secret.clone(),
            format!("{secret}x"),
            json_safe(&json),
            quoted(&secret),
            "Kq7%2bvN3x%2FT1m+%22K7pL%3d0wR5yB2cH9%C3%A9".to_owned(),
            "Kq7%252BvN3x%252fT1m%2B%2522K7pL%253D0wR5yB2cH9%25c3%25A9".to_owned(),
            "Kq7\\u002bvN3x/T1m\\u0020\\\"K7pL=0wR5yB2cH9\\u00E9".to_owned(),
            "Kq7+vN3x/T1m\\u{20}\\\"K7pL=0wR5yB2cH9\\u{e9}".to_owned(),
        ];
        for form in forms {
            let text = format!("a {form} b");
            let scrubbed = scrub(&text, &secrets);
            assert!(scrubbed.contains("[redacted]"), "{text}: {scrubbed}");
            assert!(!scrubbed.contains("Kq7"), "{text}: {scrubbed}");
        }
        // In base64, at each alignment, in both alphabets.
        let secret = "f3a9c2e8b17d4c6a9e0b5d2f8a1c7e43".to_owned();
        for pad in ["", "x", "xy"] {
            let encoded: String = base64_cores(format!("{pad}{secret}!").as_bytes())
                .swap_remove(0)
                .chars()
                .collect();
            let scrubbed = scrub(&encoded, std::slice::from_ref(&secret));
            assert!(scrubbed.contains("[redacted]"), "{encoded}: {scrubbed}");
        }
    }

    #[test]
    fn scrub_keeps_sids_and_words_that_merely_hold_a_short_secret() {
        let secret = ["0123456789abcdef0123456789abcdef".to_owned()];
        let sid = "issued by AC0123456789abcdef0123456789abcdef, key SK0123456789abcdef0123456789abcdef-1";
        assert_eq!(scrub(sid, &secret), sid);
        assert_eq!(
            scrub("xAC0123456789abcdef0123456789abcdef", &secret),
            "xAC[redacted]"
        );
        let short = ["12345".to_owned()];
        assert_eq!(
            scrub("+15551234567 at 1700012345", &short),
            "+15551234567 at 1700012345"
        );
        assert_eq!(
            scrub("token 12345, %31%32%33%34%35.", &short),
            "token [redacted], [redacted]."
        );
    }
}
