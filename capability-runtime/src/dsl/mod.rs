//! The policy grammar, parsed from text at run time with the very parser and validator that the
//! `capability!` macro runs at compile time.
//!
//! The text is lexed by `proc_macro2` (Rust's lexical rules: string escapes, raw identifiers,
//! comments), parsed by [`ast`], checked by [`valid`]; the macro does the same with its tokens and
//! then expands. The one difference is inherent: a policy read at run time has no Rust code, so
//! `{expr}` values and the `crate = path;` statement are refused.

pub mod access;
pub mod ast;
mod diagnostic;
pub mod ttl;
pub mod valid;
mod whitespace;

use std::ops::Range;
use std::str::FromStr;

use std::borrow::Cow;
use std::ops::ControlFlow;

use proc_macro2::{Group, Span, TokenStream, TokenTree};

pub use diagnostic::{Diagnostic, ParseError, MAX_DIAGNOSTICS, MAX_QUOTE_CHARS};

use crate::{AccessPolicy, Policy};
use ast::{Body, Input, Stmt, Value};

#[cfg_attr(docsrs, doc(cfg(feature = "dsl")))]
impl FromStr for Policy {
    type Err = ParseError;

    /// Reads a policy written in the grammar of `capability!`, checked by the same rules with
    /// the same messages, every mistake reported.
    ///
    /// ```
    /// use capability_runtime::Policy;
    ///
    /// let policy: Policy = r#"
    ///     incoming "Alice";
    ///     outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar" };
    ///     ttl 10m;
    /// "#.parse()?;
    /// assert_eq!(policy.grants().incoming().unwrap(), "Alice");
    /// assert_eq!(policy.ttl().as_secs(), 600);
    ///
    /// let error = "incomming \"Alice\"; ttl 0s".parse::<Policy>().unwrap_err();
    /// assert_eq!(error.diagnostics().len(), 2);
    /// # Ok::<(), capability_runtime::ParseError>(())
    /// ```
    ///
    /// Each call lexes the text with `proc_macro2` outside a procedural macro and then frees the
    /// positions it recorded on the current thread (`invalidate_current_thread_spans`): do not
    /// call it from inside a procedural macro, or while holding `proc_macro2` spans of your own
    /// on the same thread.
    fn from_str(text: &str) -> Result<Policy, ParseError> {
        parse(text, |tokens, errors| {
            // Stopped early, the input holds more than `MAX_DIAGNOSTICS` mistakes, which the
            // check reports: more than the error keeps, so that it says it was cut short.
            let (input, _) = Input::parse_at_most(tokens, &valid::GRAMMAR, MAX_DIAGNOSTICS);
            literals_only(&input.stmts, errors);
            match valid::check(input) {
                Ok(checked) => checked.literal,
                Err(e) => {
                    errors.extend(e);
                    None
                }
            }
        })
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "dsl")))]
impl FromStr for AccessPolicy {
    type Err = ParseError;

    /// Reads an Access Token policy written in the grammar of `access_token!`, checked by the
    /// same rules with the same messages, every mistake reported.
    ///
    /// ```
    /// use capability_runtime::AccessPolicy;
    ///
    /// let policy: AccessPolicy = r#"
    ///     identity "alice";
    ///     voice { incoming; outgoing "AP0123456789abcdef0123456789abcdef" { To = "+15551234567" } };
    ///     video { room "DailyStandup" };
    ///     region "ie1";
    ///     ttl 1h;
    /// "#.parse()?;
    /// assert_eq!(policy.identity().as_str(), "alice");
    /// assert!(policy.grants().voice().unwrap().incoming_allowed());
    ///
    /// let error = r#"identity "alice smith"; voice { incoming }"#.parse::<AccessPolicy>().unwrap_err();
    /// assert!(error.diagnostics()[0].message().contains("voice"));
    /// # Ok::<(), capability_runtime::ParseError>(())
    /// ```
    ///
    /// As for [`Policy`], each call frees the positions `proc_macro2` recorded on the thread.
    fn from_str(text: &str) -> Result<AccessPolicy, ParseError> {
        parse(text, |tokens, errors| {
            // Stopped early, the input holds more than `MAX_DIAGNOSTICS` mistakes, which the
            // check reports: more than the error keeps, so that it says it was cut short.
            let (input, _) = Input::parse_at_most(tokens, &access::GRAMMAR, MAX_DIAGNOSTICS);
            literals_only(&input.stmts, errors);
            match access::check(input) {
                Ok(checked) => checked.literal,
                Err(e) => {
                    errors.extend(e);
                    None
                }
            }
        })
    }
}

/// The most text a policy read at run time may hold, comments and whitespace included: four
/// times the longest token ([`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN)) a policy can sign. Longer
/// text is refused unread, as parsing costs more than linear time when every statement is a
/// mistake: text from outside (a configuration file, a request) cannot make a service spend
/// long on it.
///
/// ```
/// use capability_runtime::{Policy, MAX_POLICY_LEN};
///
/// let comment = format!("// {}\n", "x".repeat(MAX_POLICY_LEN));
/// let error = format!("{comment}incoming \"Alice\";").parse::<Policy>().unwrap_err();
/// assert!(error.diagnostics()[0].message().contains("longer than"));
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "dsl")))]
pub const MAX_POLICY_LEN: usize = 4 * crate::MAX_TOKEN_LEN;

/// Lexes `text`, runs `front` on its tokens, and turns the errors into a [`ParseError`] while the
/// spans are still valid.
fn parse<T>(
    text: &str,
    front: impl FnOnce(TokenStream, &mut Vec<syn::Error>) -> Option<T>,
) -> Result<T, ParseError> {
    if text.len() > MAX_POLICY_LEN {
        let message = format!(
            "this policy is {} bytes long, longer than the {MAX_POLICY_LEN} a policy may be\n\
             help: a policy is a few statements; remove what is not one of them",
            text.len()
        );
        // Located at its start, quoting nothing more of it.
        let end = text.find('\n').unwrap_or(text.len()).min(80);
        let end = (0..=end)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        return Err(ParseError::new(&text[..end], vec![(message, 0..0)]));
    }
    let result = match text.parse::<TokenStream>() {
        Ok(tokens) => {
            // The top level taken out of the stream (not copied: the stream is not shared) and
            // walked by reference; a `TokenStream` is walked only by copying it.
            let trees: Vec<TokenTree> = tokens.into_iter().collect();
            // rustc reports these first, and goes on as if they were spaces: so does this.
            let mut lexical = whitespace::not_rust_whitespace(text, &trees, MAX_DIAGNOSTICS);
            let mut errors = Vec::new();
            let value = match beyond_limits(&trees) {
                Some(e) => {
                    errors.push(e);
                    None
                }
                None => front(trees.into_iter().collect(), &mut errors),
            };
            match value {
                Some(value) if errors.is_empty() && lexical.is_empty() => Ok(value),
                _ => {
                    // Only the mistakes kept are turned into text and located.
                    let truncated = lexical.len() + errors.len() > MAX_DIAGNOSTICS;
                    lexical.truncate(MAX_DIAGNOSTICS);
                    errors.truncate(MAX_DIAGNOSTICS - lexical.len());
                    let mistakes = lexical.into_iter().chain(errors.into_iter().map(|e| {
                        let range = range(e.span());
                        (e.to_string(), range)
                    }));
                    let mut error = ParseError::new(text, mistakes);
                    error.truncated |= truncated;
                    Err(error)
                }
            }
        }
        Err(e) => {
            let range = range(e.span());
            Err(ParseError::new(
                text,
                vec![(
                    format!("this text is not made of Rust tokens: {e}\nhelp: check that every string literal, brace and bracket is closed"),
                    range,
                )],
            ))
        }
    };
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// How deeply brackets may nest in a policy read at run time. The grammar nests two levels
/// (`voice { outgoing "AP…" { To = "…" } }`); syn reads nesting by recursion, so hostile text
/// nested thousands deep would overflow the stack.
const MAX_DEPTH: usize = 16;

/// The longest number read at run time. A TTL has a few characters; syn reads a number in time
/// that grows with the square of its length.
const MAX_NUMBER_LEN: usize = 40;

/// The first place where hostile text goes beyond what the parser reads in bounded time and
/// stack: nesting deeper than [`MAX_DEPTH`], a number longer than [`MAX_NUMBER_LEN`]. Walks the
/// tokens with a stack of its own.
fn beyond_limits(trees: &[TokenTree]) -> Option<syn::Error> {
    let mut found = None;
    walk(trees, |visit| {
        found = match visit {
            Visit::Open(group, depth) if depth >= MAX_DEPTH => Some(syn::Error::new(
                group.span_open(),
                format!(
                    "brackets nest more than {MAX_DEPTH} deep here; a policy nests two at most"
                ),
            )),
            Visit::Leaf(TokenTree::Literal(literal)) => {
                let text = literal.to_string();
                (text.starts_with(|c: char| c.is_ascii_digit()) && text.len() > MAX_NUMBER_LEN)
                    .then(|| {
                        syn::Error::new(
                            literal.span(),
                            format!(
                                "this number has {} characters; a TTL has a few, such as `600s` or `1h30m`",
                                text.len()
                            ),
                        )
                    })
            }
            _ => None,
        };
        match found {
            Some(_) => ControlFlow::Break(()),
            None => ControlFlow::Continue(()),
        }
    });
    found
}

/// A step of [`walk`].
enum Visit<'t> {
    /// A group's opening delimiter, at a depth from 1 (the top level).
    Open(&'t Group, usize),
    /// A token that is not a group.
    Leaf(&'t TokenTree),
    /// A group's closing delimiter.
    Close(Span),
}

/// Visits every token of `trees` in source order, a group's delimiters around its tokens, until
/// `visit` breaks. With a stack of its own, not by recursion: hostile text may nest thousands
/// deep. The top level is read by reference; each group's tokens are copied once (a
/// `TokenStream` can only be walked by value).
fn walk(trees: &[TokenTree], mut visit: impl FnMut(Visit<'_>) -> ControlFlow<()>) {
    let mut stack: Vec<(Cow<'_, [TokenTree]>, usize, Option<Span>)> =
        vec![(Cow::Borrowed(trees), 0, None)];
    loop {
        let depth = stack.len();
        let Some((level, at, close)) = stack.last_mut() else {
            return;
        };
        let Some(tree) = level.get(*at) else {
            let close = *close;
            stack.pop();
            if let Some(span) = close {
                if visit(Visit::Close(span)).is_break() {
                    return;
                }
            }
            continue;
        };
        *at += 1;
        if let TokenTree::Group(group) = tree {
            let group = group.clone();
            if visit(Visit::Open(&group, depth)).is_break() {
                return;
            }
            let inner: Vec<TokenTree> = group.stream().into_iter().collect();
            stack.push((Cow::Owned(inner), 0, Some(group.span_close())));
        } else if visit(Visit::Leaf(tree)).is_break() {
            return;
        }
    }
}

/// The bytes a span covers; a span of no text (the whole input's) covers the start.
fn range(span: Span) -> Range<usize> {
    span.byte_range()
}

/// A policy read at run time holds only literals.
fn literals_only(stmts: &[Stmt], errors: &mut Vec<syn::Error>) {
    let value = |v: &Value, errors: &mut Vec<syn::Error>| {
        if let Value::Expr(group) = v {
            errors.push(syn::Error::new(
                group.span(),
                "a policy read at run time holds only literals; `{…}` takes a Rust expression, \
                 in `capability!` and `access_token!` only\nhelp: write the value as a string literal",
            ));
        }
    };
    for stmt in stmts {
        match &stmt.body {
            Body::Value(v) => value(v, errors),
            Body::ValueThenParams {
                value: v, params, ..
            } => {
                value(v, errors);
                for p in params {
                    value(&p.value, errors);
                }
            }
            Body::Params(params) => {
                for p in params {
                    value(&p.value, errors);
                }
            }
            Body::Block(Some(inner)) => literals_only(inner, errors),
            Body::Path(_) => errors.push(syn::Error::new(
                stmt.span,
                "`crate = path;` names the `capability` crate for a macro; a policy read at run \
                 time has no use for it\nhelp: remove this statement",
            )),
            Body::Nothing | Body::Ttl(_) | Body::Block(None) => {}
        }
    }
}

#[cfg(test)]
mod tests;
