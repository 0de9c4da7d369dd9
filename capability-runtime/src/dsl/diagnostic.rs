//! [`ParseError`]: every mistake of a policy read at run time, rendered as rustc renders the
//! same mistakes in `capability!` (by `annotate-snippets`, the renderer rustc and cargo use).

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Every mistake in a policy's text, each with its line and column.
///
/// `Display` renders them as rustc does: the message, the location, the source line with a
/// caret under the offending token, and help lines. The messages are those `capability!` gives
/// for the same text at compile time.
///
/// ```
/// use capability_runtime::Policy;
///
/// let error = "incoming \"Alice\";\nttl 600;".parse::<Policy>().unwrap_err();
/// let mistake = &error.diagnostics()[0];
/// assert_eq!((mistake.line(), mistake.column()), (2, 5));
/// assert_eq!(mistake.message(), "the TTL `600` has no unit");
/// assert_eq!(mistake.help(), Some("write `600s` for seconds (the units are `s`, `m` and `h`)"));
/// assert_eq!(
///     error.to_string(),
///     "error: the TTL `600` has no unit
///  --> <policy>:2:5
///   |
/// 2 | ttl 600;
///   |     ^^^
///   |
///   = help: write `600s` for seconds (the units are `s`, `m` and `h`)
/// "
/// );
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "dsl")))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    source: Box<str>,
    path: Box<str>,
    diagnostics: Vec<Diagnostic>,
    pub(crate) truncated: bool,
}

/// One mistake: what is wrong, where, and how to fix it.
#[cfg_attr(docsrs, doc(cfg(feature = "dsl")))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    message: String,
    help: Option<String>,
    line: usize,
    column: usize,
    range: Range<usize>,
}

impl Diagnostic {
    /// What is wrong (the first line of the message rustc would print).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix it, when there is a fix to suggest.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The line of the offending token, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the offending token, from 1, in characters.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The offending token's bytes in the text.
    pub fn byte_range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// The message as `compile_error!` carries it: the message, then `help: …` on a new line.
    pub fn full_message(&self) -> String {
        match &self.help {
            Some(help) => format!("{}\nhelp: {help}", self.message),
            None => self.message.clone(),
        }
    }
}

/// The most mistakes a [`ParseError`] reports. Past them, parsing stops, and the error says that
/// it was cut short ([`ParseError::truncated`]): a text that is wrong throughout would otherwise
/// give as many mistakes as it has statements, each rendered with its line.
#[cfg_attr(docsrs, doc(cfg(feature = "dsl")))]
pub const MAX_DIAGNOSTICS: usize = 50;

/// The most characters of the text of a policy that a message quotes: a longer word, key or
/// value is quoted by its first `MAX_QUOTE_CHARS` characters and `…`, so that a statement of
/// thousands of characters is not repeated whole in its message. The same in `capability!`.
#[cfg_attr(docsrs, doc(cfg(feature = "dsl")))]
pub const MAX_QUOTE_CHARS: usize = 64;

/// The most characters of a source line shown under a message; a longer line is cut around the
/// offending token, and a token longer than that is underlined in part.
const MAX_SHOWN_CHARS: usize = 100;

impl ParseError {
    /// The error of `source` with `mistakes` (their messages, `help: …` after a line break, and
    /// their byte ranges), of which the first [`MAX_DIAGNOSTICS`] are kept. Linear in the
    /// length of `source` and in the number of mistakes: the lines are found once, and each
    /// kept mistake's column is counted within its line.
    pub(crate) fn new(
        source: &str,
        mistakes: impl IntoIterator<Item = (String, Range<usize>)>,
    ) -> ParseError {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut diagnostics = Vec::new();
        let mut truncated = false;
        for (full, range) in mistakes {
            if diagnostics.len() == MAX_DIAGNOSTICS {
                truncated = true;
                break;
            }
            let range = clamp(source, range);
            let (message, help) = match full.split_once("\nhelp: ") {
                Some((message, help)) => (message.to_owned(), Some(help.to_owned())),
                None => (full, None),
            };
            // The number of line starts at or before the mistake's start.
            let line = line_starts.partition_point(|&start| start <= range.start);
            let line_start = line_starts[line - 1];
            let column = source[line_start..range.start].chars().count() + 1;
            diagnostics.push(Diagnostic {
                message,
                help,
                line,
                column,
                range,
            });
        }
        ParseError {
            source: source.into(),
            path: "<policy>".into(),
            diagnostics,
            truncated,
        }
    }

    /// Whether the text has more mistakes than the [`MAX_DIAGNOSTICS`] reported: those after
    /// them are neither reported nor all looked for. `Display` ends with a line saying so.
    ///
    /// ```
    /// use capability_runtime::{Policy, MAX_DIAGNOSTICS};
    ///
    /// let error = "x;\n".repeat(MAX_DIAGNOSTICS).parse::<Policy>().unwrap_err();
    /// assert_eq!(error.diagnostics().len(), MAX_DIAGNOSTICS);
    /// assert!(!error.truncated());
    ///
    /// let error = "x;\n".repeat(10_000).parse::<Policy>().unwrap_err();
    /// assert_eq!(error.diagnostics().len(), MAX_DIAGNOSTICS);
    /// assert!(error.truncated());
    /// assert!(error.to_string().ends_with(
    ///     "error: the text has more than 50 mistakes; those after the first 50 are not reported\n"
    /// ));
    /// ```
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The mistakes, in the order `capability!` reports them: grammar mistakes first, then
    /// the others in statement order; the first [`MAX_DIAGNOSTICS`] of them.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The text that was parsed; for a text over [`MAX_POLICY_LEN`](crate::MAX_POLICY_LEN),
    /// which is refused unread, its start only (up to its first line break, at most 80 bytes).
    pub fn source_text(&self) -> &str {
        &self.source
    }

    /// Names the text in the rendering (`--> path:line:column`); `<policy>` by default.
    pub fn with_path(mut self, path: &str) -> ParseError {
        self.path = path.into();
        self
    }

    /// Keeps the first `len` mistakes only, as a tool does for a text that is wrong throughout:
    /// each rendered mistake shows its line.
    ///
    /// ```
    /// use capability_runtime::Policy;
    ///
    /// let mut error = "x; y; z;".parse::<Policy>().unwrap_err();
    /// assert_eq!(error.diagnostics().len(), 3);
    /// error.truncate(1);
    /// assert_eq!(error.to_string().matches("error:").count(), 1);
    /// ```
    pub fn truncate(&mut self, len: usize) {
        self.diagnostics.truncate(len);
    }

    /// The rendering of [`Display`](fmt::Display), in colour when `color` is true (ANSI
    /// escapes, as rustc prints on a terminal).
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for d in &self.diagnostics {
            // Only the lines the mistake is on, cut around it when long: each mistake is
            // rendered in time and space bounded by its own lines, not by the whole text.
            let (shown, line, range) = excerpt(&self.source, d);
            let mut group = Level::ERROR.primary_title(d.message.as_str()).element(
                Snippet::source(shown)
                    .path(&*self.path)
                    .line_start(line)
                    .annotation(AnnotationKind::Primary.span(range)),
            );
            if let Some(help) = &d.help {
                group = group.element(Level::HELP.message(help.as_str()));
            }
            out.push_str(&renderer.render(&[group]));
            out.push('\n');
        }
        if self.truncated {
            let title = format!(
                "the text has more than {MAX_DIAGNOSTICS} mistakes; those after the first \
                 {MAX_DIAGNOSTICS} are not reported"
            );
            out.push_str(&renderer.render(&[Group::with_title(Level::ERROR.primary_title(title))]));
            out.push('\n');
        }
        out
    }
}

/// The text shown under a mistake: its lines, from the start of the first (so that its column
/// is counted right; the renderer cuts a long line to the terminal's width around the mistake)
/// to [`MAX_SHOWN_CHARS`] characters past its range, which is cut to as many characters; with
/// the line number of the first line and the range within the text shown.
fn excerpt<'a>(source: &'a str, d: &Diagnostic) -> (&'a str, usize, Range<usize>) {
    let start = d.range.start;
    let end = start + byte_len(&source[start..d.range.end], MAX_SHOWN_CHARS);
    let from = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[end..].find('\n').map_or(source.len(), |i| end + i);
    let to = end + byte_len(&source[end..line_end], MAX_SHOWN_CHARS);
    (&source[from..to], d.line, start - from..end - from)
}

/// The length in bytes of the first `chars` characters of `text` (all of it when shorter).
fn byte_len(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// A range inside `source`, on character boundaries.
fn clamp(source: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for ParseError {}
