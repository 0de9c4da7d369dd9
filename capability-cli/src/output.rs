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
/// standard output then standard error.
pub fn emit(outcome: &Outcome, secrets: &[String]) {
    let stdout = match outcome.stdout_is_token {
        true => Cow::Borrowed(outcome.stdout.as_str()),
        false => scrub(&outcome.stdout, secrets),
    };
    // A closed pipe (`capability decode … | head`) is not an error worth a message.
    let _ = anstream::stdout().write_all(stdout.as_bytes());
    let _ = anstream::stderr().write_all(scrub(&outcome.stderr, secrets).as_bytes());
}

/// Whether colour reaches the stream: a terminal, and neither `NO_COLOR` nor `CLICOLOR=0`.
pub fn stderr_has_colour() -> bool {
    anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never
}

/// `text` with every secret replaced by `[redacted]`, wherever it stands as a word of its own
/// (not inside a longer run of letters and digits: the test credentials of the official
/// libraries use the digits of their SIDs as the secret).
pub fn scrub<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut text = Cow::Borrowed(text);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if !text.contains(secret.as_str()) {
            continue;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_ref();
        let mut previous = None;
        while let Some(at) = rest.find(secret.as_str()) {
            let before = rest[..at].chars().next_back().or(previous);
            let after = rest[at + secret.len()..].chars().next();
            let alone = ![before, after]
                .into_iter()
                .flatten()
                .any(|c| c.is_ascii_alphanumeric());
            out.push_str(&rest[..at]);
            out.push_str(if alone { "[redacted]" } else { secret });
            previous = secret.chars().next_back();
            rest = &rest[at + secret.len()..];
        }
        out.push_str(rest);
        text = Cow::Owned(out);
    }
    text
}

/// The name of the variable whose secret stands as a word of its own (as [`scrub`] finds it) in
/// one of `texts`, or in what they say once URL-decoded, once or twice (a parameter of a
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

/// Characters that a terminal shows as nothing, as a space, or as a line break, or that
/// reorder the text around them: bidirectional controls and isolates, zero-width characters
/// and the other format characters (Unicode's `Cf`), the line and paragraph separators
/// (U+2028, U+2029), and every space but U+0020. Shown escaped, so that text reads as it is
/// and an identity with U+200B cannot pass for another. Hand-written: the `Cf` list of
/// Unicode 16 is a few ranges, where a table crate would add to the tree.
fn is_invisible(c: char) -> bool {
    (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{00AD}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

/// Untrusted text (from a token) made safe to print: control characters (escape sequences
/// included) escaped as in Rust (`\n`, `\u{1b}`), and the invisible characters of
/// [`is_invisible`] as `\u{…}`; the rest as is.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_debug());
        } else if is_invisible(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Untrusted text in double quotes, escaped as a Rust string literal is (`\"`, `\\`, `\n`,
/// `\u{1b}`), invisible characters included: safe to print, and unambiguous.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if is_invisible(c) && !c.is_control() {
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
/// or hides (DEL, the C1 controls, the invisible characters of [`is_invisible`]) escaped as
/// `\uXXXX` (a surrogate pair beyond U+FFFF): still the same JSON. serde_json escapes the C0
/// controls itself; outside strings, JSON holds only ASCII spaces.
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if (c.is_control() && c as u32 >= 0x7f) || (is_invisible(c) && !c.is_ascii()) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
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
    fn json_safe_is_the_same_json() {
        let value = serde_json::json!({"a": "x\u{7f}\u{9b}\u{202e}y\n\u{1b}", "é": 1});
        let text = serde_json::to_string(&value).unwrap();
        let safe = json_safe(&text);
        assert!(safe.chars().all(|c| !c.is_control() && !is_invisible(c)));
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
}
