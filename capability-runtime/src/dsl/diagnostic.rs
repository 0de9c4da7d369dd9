//! [`ParseError`]: every mistake of a policy read at run time, rendered as rustc renders the
//! same mistakes in `capability!` (by `annotate-snippets`, the renderer rustc and cargo use).

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    source: Box<str>,
    path: Box<str>,
    diagnostics: Vec<Diagnostic>,
}

/// One mistake: what is wrong, where, and how to fix it.
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

impl ParseError {
    pub(crate) fn new(source: &str, mistakes: Vec<(String, Range<usize>)>) -> ParseError {
        let diagnostics = mistakes
            .into_iter()
            .map(|(full, range)| {
                let range = clamp(source, range);
                let (message, help) = match full.split_once("\nhelp: ") {
                    Some((message, help)) => (message.to_owned(), Some(help.to_owned())),
                    None => (full, None),
                };
                let before = &source[..range.start];
                let line = before.matches('\n').count() + 1;
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                let column = source[line_start..range.start].chars().count() + 1;
                Diagnostic {
                    message,
                    help,
                    line,
                    column,
                    range,
                }
            })
            .collect();
        ParseError {
            source: source.into(),
            path: "<policy>".into(),
            diagnostics,
        }
    }

    /// Every mistake, in the order `capability!` reports them: grammar mistakes first, then
    /// the others in statement order.
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
            let mut group = Level::ERROR.primary_title(d.message.as_str()).element(
                Snippet::source(&*self.source)
                    .path(&*self.path)
                    .annotation(AnnotationKind::Primary.span(d.range.clone())),
            );
            if let Some(help) = &d.help {
                group = group.element(Level::HELP.message(help.as_str()));
            }
            out.push_str(&renderer.render(&[group]));
            out.push('\n');
        }
        out
    }
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
