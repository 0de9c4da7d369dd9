//! The typed model of a `capability!` invocation, parsed from its tokens with their spans.
//!
//! Parsing checks only the grammar. What the literals say (a SID, a client name, a duration) is
//! checked in `valid.rs`, which keeps each literal's span so its errors point at it.
//!
//! The statements are parsed one `;`-terminated chunk at a time, so that a grammar mistake in one
//! statement does not hide the mistakes of the others.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{token, Error, Ident, LitFloat, LitInt, LitStr, Result, Token};

/// The statement keywords; `syn` parses them as `kw::incoming` etc.
pub(crate) mod kw {
    syn::custom_keyword!(incoming);
    syn::custom_keyword!(outgoing);
    syn::custom_keyword!(events);
    syn::custom_keyword!(ttl);
}

/// A parsed invocation: its statements in source order, and the grammar mistakes found.
pub(crate) struct Input {
    /// Every statement that parsed, in source order.
    pub stmts: Vec<Stmt>,
    /// Every grammar mistake, in source order. When there are any, `stmts` may miss statements.
    pub errors: Vec<Error>,
}

/// What a statement is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    Incoming,
    Outgoing,
    Events,
    Ttl,
}

impl Keyword {
    /// Every keyword, in the order the documentation lists them.
    pub(crate) const ALL: [Keyword; 4] = [
        Keyword::Incoming,
        Keyword::Outgoing,
        Keyword::Events,
        Keyword::Ttl,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Keyword::Incoming => "incoming",
            Keyword::Outgoing => "outgoing",
            Keyword::Events => "events",
            Keyword::Ttl => "ttl",
        }
    }
}

/// One statement: its keyword (and the keyword's span) and what follows it.
pub(crate) struct Stmt {
    pub keyword: Keyword,
    pub span: Span,
    pub body: Body,
}

/// What follows a statement's keyword.
pub(crate) enum Body {
    /// `incoming "Alice"` or `incoming {name}`.
    Incoming(Value),
    /// `outgoing "AP…" { Key = "value", … }`; `params` is empty without the block.
    Outgoing { app_sid: Value, params: Vec<Param> },
    /// `events { Key = "value", … }`; empty without the block.
    Events(Vec<Param>),
    /// `ttl 10m`.
    Ttl(TtlLit),
}

/// A literal, or a run-time value in braces.
pub(crate) enum Value {
    /// A string literal: its value and span.
    Lit(Text),
    /// `{expr}`: the brace group, emitted as a block expression with its own spans.
    Expr(Group),
}

impl Value {
    pub(crate) fn is_lit(&self) -> bool {
        matches!(self, Value::Lit(_))
    }
}

/// The value of a literal (or identifier) with its span.
#[derive(Clone, Debug)]
pub(crate) struct Text {
    pub value: String,
    pub span: Span,
}

/// `Key = "value"` in a parameter or filter block.
pub(crate) struct Param {
    pub key: Text,
    pub value: Value,
}

/// The integer literal of a `ttl` statement, taken apart. `1h30m` is one integer literal whose
/// digits are `1` and whose suffix is `h30m`.
#[derive(Clone, Debug)]
pub(crate) struct TtlLit {
    /// The literal as written, e.g. `1h30m`.
    pub text: String,
    /// The digits before the suffix, without `_`, in base 10.
    pub digits: String,
    /// The suffix, e.g. `h30m`; empty for `600`.
    pub suffix: String,
    pub span: Span,
}

impl Input {
    /// Parses the tokens of an invocation, recording every grammar mistake.
    pub(crate) fn parse(tokens: TokenStream) -> Input {
        let mut input = Input {
            stmts: Vec::new(),
            errors: Vec::new(),
        };
        for chunk in split_statements(tokens) {
            let parsed = (|stream: ParseStream| parse_chunk(stream, &mut input)).parse2(chunk);
            if let Err(error) = parsed {
                input.errors.push(error);
            }
        }
        input
    }
}

/// Splits the tokens after each top-level `;`, keeping the `;` at the end of its chunk (so that a
/// statement cut short points at its `;`). A `;` inside braces belongs to its group.
fn split_statements(tokens: TokenStream) -> Vec<TokenStream> {
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    for tt in tokens {
        let end = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';');
        chunk.push(tt);
        if end {
            chunks.push(chunk.drain(..).collect());
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk.into_iter().collect());
    }
    chunks
}

/// Parses the statements of one chunk: normally one statement and its `;`. When the `;` is
/// missing before another statement, records that and goes on with the next statement.
fn parse_chunk(input: ParseStream, out: &mut Input) -> Result<()> {
    loop {
        let stmt = parse_stmt(input)?;
        let keyword = stmt.keyword;
        out.stmts.push(stmt);
        if input.is_empty() {
            return Ok(());
        }
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
            return Ok(());
        }
        if peek_keyword(input) {
            out.errors.push(input.error(format!(
                "expected `;` after the `{}` statement, before this one",
                keyword.as_str()
            )));
            continue;
        }
        return Err(input.error(format!(
            "unexpected token after the `{}` statement; expected `;`",
            keyword.as_str()
        )));
    }
}

fn peek_keyword(input: ParseStream) -> bool {
    input.peek(kw::incoming)
        || input.peek(kw::outgoing)
        || input.peek(kw::events)
        || input.peek(kw::ttl)
}

fn parse_stmt(input: ParseStream) -> Result<Stmt> {
    let lookahead = input.lookahead1();
    if lookahead.peek(kw::incoming) {
        let kw: kw::incoming = input.parse()?;
        let name = parse_value(input, Slot::ClientName)?;
        Ok(Stmt {
            keyword: Keyword::Incoming,
            span: kw.span,
            body: Body::Incoming(name),
        })
    } else if lookahead.peek(kw::outgoing) {
        let kw: kw::outgoing = input.parse()?;
        let app_sid = parse_value(input, Slot::AppSid)?;
        let params = parse_params_if_any(input)?;
        Ok(Stmt {
            keyword: Keyword::Outgoing,
            span: kw.span,
            body: Body::Outgoing { app_sid, params },
        })
    } else if lookahead.peek(kw::events) {
        let kw: kw::events = input.parse()?;
        let filters = parse_params_if_any(input)?;
        Ok(Stmt {
            keyword: Keyword::Events,
            span: kw.span,
            body: Body::Events(filters),
        })
    } else if lookahead.peek(kw::ttl) {
        let kw: kw::ttl = input.parse()?;
        let ttl = parse_ttl(input)?;
        Ok(Stmt {
            keyword: Keyword::Ttl,
            span: kw.span,
            body: Body::Ttl(ttl),
        })
    } else if input.peek(Ident::peek_any) {
        let word = input.call(Ident::parse_any)?;
        Err(unknown_statement(&word))
    } else {
        Err(lookahead.error())
    }
}

/// "unknown statement `incomming`; did you mean `incoming`?"
fn unknown_statement(word: &Ident) -> Error {
    let text = word.to_string();
    let message = match suggest(&text) {
        Some(keyword) => format!(
            "unknown statement `{text}`; did you mean `{}`?",
            keyword.as_str()
        ),
        None => format!(
            "unknown statement `{text}`; the statements are `incoming`, `outgoing`, `events` and `ttl`"
        ),
    };
    Error::new(word.span(), message)
}

/// The keyword `word` is a near miss of, the nearest first: at most a third of the keyword's
/// length in edits (so one for `ttl`, two for `incoming`), as rustc's own suggestions.
pub(crate) fn suggest(word: &str) -> Option<Keyword> {
    let lower = word.to_ascii_lowercase();
    Keyword::ALL
        .iter()
        .map(|&keyword| (edit_distance(&lower, keyword.as_str()), keyword))
        .filter(|&(distance, keyword)| distance <= (keyword.as_str().len() / 3).clamp(1, 2))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, keyword)| keyword)
}

/// Levenshtein distance between two strings, counted in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Where a value goes, for the messages.
#[derive(Clone, Copy)]
enum Slot {
    ClientName,
    AppSid,
    ParamValue,
}

impl Slot {
    fn expected(self) -> &'static str {
        match self {
            Slot::ClientName => {
                "expected a client name: a string literal such as `\"Alice\"`, \
                 or a `ClientName` expression in braces such as `{name}`"
            }
            Slot::AppSid => {
                "expected an Application SID: a string literal such as \
                 `\"AP0123456789abcdef0123456789abcdef\"`, or an `AppSid` expression in braces \
                 such as `{app_sid}`"
            }
            Slot::ParamValue => {
                "expected a value: a string literal such as `\"Bar\"`, \
                 or an expression in braces such as `{value}`"
            }
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Slot::ClientName => "a `ClientName`",
            Slot::AppSid => "an `AppSid`",
            Slot::ParamValue => "anything `Into<String>`",
        }
    }
}

/// A string literal or `{expr}`.
fn parse_value(input: ParseStream, slot: Slot) -> Result<Value> {
    if input.peek(LitStr) {
        return parse_text(input).map(Value::Lit);
    }
    if input.peek(token::Brace) {
        let Ok(TokenTree::Group(group)) = input.parse::<TokenTree>() else {
            return Err(input.error(slot.expected()));
        };
        if group.stream().is_empty() {
            return Err(Error::new(
                group.span(),
                format!(
                    "`{{}}` is empty; put {} expression in the braces",
                    slot.type_name()
                ),
            ));
        }
        if matches!(slot, Slot::AppSid) && looks_like_params(&group) {
            return Err(Error::new(
                group.span(),
                "this block holds parameters, but the Application SID comes first: \
                 write `outgoing \"AP…\" { Key = \"value\" }`",
            ));
        }
        return Ok(Value::Expr(group));
    }
    if input.peek(Ident) && !peek_keyword(input) {
        let ident: Ident = input.parse()?;
        return Err(Error::new(
            ident.span(),
            format!(
                "{}\nhelp: to use the value of `{ident}`, write `{{{ident}}}`",
                slot.expected()
            ),
        ));
    }
    Err(input.error(slot.expected()))
}

/// A string literal's value. A suffix (`"Alice"x`) is an error, as it is in Rust code.
fn parse_text(input: ParseStream) -> Result<Text> {
    let lit: LitStr = input.parse()?;
    if !lit.suffix().is_empty() {
        return Err(Error::new(
            lit.span(),
            format!("unexpected suffix `{}` on a string literal", lit.suffix()),
        ));
    }
    Ok(Text {
        value: lit.value(),
        span: lit.span(),
    })
}

/// Whether a brace group starts like `Key = …` or `"Key" = …`: parameters, not an expression
/// (an assignment is never a SID).
fn looks_like_params(group: &Group) -> bool {
    let mut tokens = group.stream().into_iter();
    let first = tokens.next();
    let second = tokens.next();
    let third = tokens.next();
    let key = matches!(first, Some(TokenTree::Ident(_)))
        || matches!(&first, Some(TokenTree::Literal(l)) if l.to_string().starts_with('"'));
    let eq = matches!(&second, Some(TokenTree::Punct(p)) if p.as_char() == '=')
        && !matches!(&third, Some(TokenTree::Punct(p)) if p.as_char() == '=');
    key && eq
}

/// `{ Key = "value", … }` if the next token is a brace group; nothing otherwise.
fn parse_params_if_any(input: ParseStream) -> Result<Vec<Param>> {
    if !input.peek(token::Brace) {
        return Ok(Vec::new());
    }
    let content;
    syn::braced!(content in input);
    let mut params = Vec::new();
    while !content.is_empty() {
        let key = if content.peek(LitStr) {
            parse_text(&content)?
        } else if content.peek(Ident::peek_any) {
            let ident = content.call(Ident::parse_any)?.unraw();
            Text {
                value: ident.to_string(),
                span: ident.span(),
            }
        } else {
            return Err(content.error(
                "expected a key: an identifier such as `Foo` or a string literal such as `\"Queue-Name\"`",
            ));
        };
        if !content.peek(Token![=]) {
            return Err(content.error(format!("expected `=` after the key `{}`", key.value)));
        }
        content.parse::<Token![=]>()?;
        let value = parse_value(&content, Slot::ParamValue)?;
        params.push(Param { key, value });
        if content.is_empty() {
            break;
        }
        if !content.peek(Token![,]) {
            return Err(content.error("expected `,` between two parameters"));
        }
        content.parse::<Token![,]>()?;
    }
    Ok(params)
}

/// A duration literal: `600s`, `10m`, `1h30m`. The suffix is read in `valid.rs`.
fn parse_ttl(input: ParseStream) -> Result<TtlLit> {
    const EXPECTED: &str =
        "expected a duration: a whole number with a unit, such as `600s`, `10m`, `1h` or `1h30m`";
    if input.peek(LitInt) {
        let lit: LitInt = input.parse()?;
        let ttl = TtlLit {
            text: lit.to_string(),
            digits: lit.base10_digits().to_owned(),
            suffix: lit.suffix().to_owned(),
            span: lit.span(),
        };
        if ttl.suffix.is_empty() && input.peek(Ident) && !peek_keyword(input) {
            let unit: Ident = input.parse()?;
            let both: TokenStream = [
                TokenTree::Literal(lit.token()),
                TokenTree::Ident(unit.clone()),
            ]
            .into_iter()
            .collect();
            return Err(Error::new_spanned(
                both,
                format!(
                    "a space separates the number from its unit; write `{}{unit}`",
                    ttl.digits
                ),
            ));
        }
        return Ok(ttl);
    }
    if input.peek(LitFloat) {
        let lit: LitFloat = input.parse()?;
        return Err(Error::new(
            lit.span(),
            format!(
                "`{lit}` is not a whole number; use a smaller unit or a compound such as `1h30m`"
            ),
        ));
    }
    Err(input.error(EXPECTED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn messages(input: &Input) -> Vec<String> {
        input.errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn parses_the_whole_grammar_in_order() {
        let input = Input::parse(quote! {
            ttl 1h30m;
            events;
            outgoing {sid} { Foo = "Bar", "Queue-Name" = {queue}, r#type = "x", };
            incoming "Alice"
        });
        assert!(input.errors.is_empty(), "{:?}", messages(&input));
        let keywords: Vec<_> = input.stmts.iter().map(|s| s.keyword).collect();
        assert_eq!(
            keywords,
            [
                Keyword::Ttl,
                Keyword::Events,
                Keyword::Outgoing,
                Keyword::Incoming
            ]
        );
        match &input.stmts[0].body {
            Body::Ttl(ttl) => {
                assert_eq!(ttl.text, "1h30m");
                assert_eq!(ttl.digits, "1");
                assert_eq!(ttl.suffix, "h30m");
            }
            _ => panic!("expected ttl"),
        }
        match &input.stmts[1].body {
            Body::Events(filters) => assert!(filters.is_empty()),
            _ => panic!("expected events"),
        }
        match &input.stmts[2].body {
            Body::Outgoing { app_sid, params } => {
                let Value::Expr(group) = app_sid else {
                    panic!("expected {{sid}}")
                };
                assert_eq!(group.delimiter(), proc_macro2::Delimiter::Brace);
                assert_eq!(group.stream().to_string(), "sid");
                let keys: Vec<&str> = params.iter().map(|p| p.key.value.as_str()).collect();
                assert_eq!(keys, ["Foo", "Queue-Name", "type"]);
                assert!(params[0].value.is_lit());
                assert!(!params[1].value.is_lit());
            }
            _ => panic!("expected outgoing"),
        }
        match &input.stmts[3].body {
            Body::Incoming(Value::Lit(name)) => assert_eq!(name.value, "Alice"),
            _ => panic!("expected incoming \"Alice\""),
        }
    }

    #[test]
    fn literal_escapes_are_decoded() {
        let input = Input::parse(quote! { events { "a\tb" = "caf\u{e9}" } });
        let Body::Events(filters) = &input.stmts[0].body else {
            panic!("expected events")
        };
        assert_eq!(filters[0].key.value, "a\tb");
        let Value::Lit(value) = &filters[0].value else {
            panic!("expected a literal")
        };
        assert_eq!(value.value, "café");
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(suggest("incomming"), Some(Keyword::Incoming));
        assert_eq!(suggest("Outgoing"), Some(Keyword::Outgoing));
        assert_eq!(suggest("event"), Some(Keyword::Events));
        assert_eq!(suggest("tll"), Some(Keyword::Ttl));
        assert_eq!(suggest("expires"), None);
        assert_eq!(suggest("t"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ttl"), 3);
        assert_eq!(edit_distance("ttl", "ttl"), 0);
    }

    #[test]
    fn reports_one_mistake_per_statement_and_goes_on() {
        let input = Input::parse(quote! {
            incomming "Alice";
            outgoing "AP0123456789abcdef0123456789abcdef" { Foo "Bar" };
            events { Level = "error" };
            ttl 600 "x";
        });
        assert_eq!(
            messages(&input),
            [
                "unknown statement `incomming`; did you mean `incoming`?",
                "expected `=` after the key `Foo`",
                "unexpected token after the `ttl` statement; expected `;`",
            ]
        );
        assert_eq!(input.stmts.len(), 2, "events and ttl parsed");
    }

    #[test]
    fn a_missing_semicolon_does_not_lose_the_next_statement() {
        let input =
            Input::parse(quote! { incoming "Alice" outgoing "AP0123456789abcdef0123456789abcdef" });
        assert_eq!(
            messages(&input),
            ["expected `;` after the `incoming` statement, before this one"]
        );
        assert_eq!(input.stmts.len(), 2);
    }

    #[test]
    fn grammar_messages() {
        let cases = [
            (quote!(incoming;), Slot::ClientName.expected().to_owned()),
            (
                quote!(incoming name;),
                format!(
                    "{}\nhelp: to use the value of `name`, write `{{name}}`",
                    Slot::ClientName.expected()
                ),
            ),
            (
                quote!(incoming {};),
                "`{}` is empty; put a `ClientName` expression in the braces".to_owned(),
            ),
            (
                quote!(outgoing { Foo = "Bar" };),
                "this block holds parameters, but the Application SID comes first: \
                 write `outgoing \"AP…\" { Key = \"value\" }`"
                    .to_owned(),
            ),
            (
                quote!(events { Foo = "a" Bar = "b" };),
                "expected `,` between two parameters".to_owned(),
            ),
            (
                quote!(events { 1 = "a" };),
                "expected a key: an identifier such as `Foo` or a string literal such as `\"Queue-Name\"`"
                    .to_owned(),
            ),
            (
                quote!(ttl 10 m;),
                "a space separates the number from its unit; write `10m`".to_owned(),
            ),
            (
                quote!(ttl 1.5h;),
                "`1.5h` is not a whole number; use a smaller unit or a compound such as `1h30m`"
                    .to_owned(),
            ),
            (
                quote!(ttl "10m";),
                "expected a duration: a whole number with a unit, such as `600s`, `10m`, `1h` or `1h30m`"
                    .to_owned(),
            ),
            (
                quote!(incoming "Alice"x;),
                "unexpected suffix `x` on a string literal".to_owned(),
            ),
            (
                quote!(events { "a"_b = "c" };),
                "unexpected suffix `_b` on a string literal".to_owned(),
            ),
            (
                quote!(;),
                "expected one of: `incoming`, `outgoing`, `events`, `ttl`".to_owned(),
            ),
            (
                quote!(grant "x";),
                "unknown statement `grant`; the statements are `incoming`, `outgoing`, `events` and `ttl`"
                    .to_owned(),
            ),
        ];
        for (tokens, expected) in cases {
            let text = tokens.to_string();
            let input = Input::parse(tokens);
            assert_eq!(messages(&input), [expected], "for `{text}`");
        }
    }

    #[test]
    fn outgoing_expression_with_comparison_is_not_params() {
        let input = Input::parse(quote!(outgoing { a == b };));
        assert!(input.errors.is_empty());
    }
}
