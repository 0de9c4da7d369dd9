//! The one parser of the policy grammars, over `proc_macro2` tokens with their spans.
//!
//! `capability!` and `access_token!` hand it the tokens of their invocation; run-time parsing
//! hands it the tokens of a text (lexed by `proc_macro2`, so the lexical rules are Rust's in both
//! cases). A [`Grammar`] table says which statements exist and what each takes, so that both
//! grammars share every piece: values, parameter blocks, durations, nested blocks, suggestions.
//!
//! Parsing checks only the grammar. What the literals say (a SID, a client name, a duration) is
//! checked by the validators, which keep each literal's span so that their errors point at it.
//!
//! The statements are parsed one `;`-terminated chunk at a time, so that a grammar mistake in one
//! statement does not hide the mistakes of the others.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{token, Error, Ident, LitFloat, LitInt, LitStr, Result, Token};

use super::diagnostic::MAX_QUOTE_CHARS;

/// The statements a block may hold.
pub struct Grammar {
    /// The statements, in the order the documentation lists them.
    pub rules: &'static [Rule],
    /// What its statements are called, for messages: "statement", "field".
    pub what: &'static str,
    /// The grant the block belongs to, for messages: "" at the top, "voice" in `voice { … }`.
    pub within: &'static str,
}

/// One statement of a grammar: its keyword and what follows it.
pub struct Rule {
    /// The keyword, e.g. `incoming`.
    pub keyword: &'static str,
    /// What follows the keyword.
    pub takes: Takes,
}

/// What follows a statement's keyword.
#[derive(Clone, Copy)]
pub enum Takes {
    /// Nothing: `incoming;` in a `voice` block.
    Nothing,
    /// One value: `incoming "Alice"`.
    Value(Slot),
    /// One value, then an optional parameter block: `outgoing "AP…" { Key = "value" }`.
    ValueThenParams(Slot),
    /// An optional parameter block: `events { Key = "value" }`.
    Params,
    /// A duration: `ttl 10m`.
    Ttl,
    /// An optional block of statements of another grammar: `voice { incoming; }` or `voice;`.
    Block(&'static Grammar),
    /// `= path`: `crate = ::cap`.
    Path,
}

/// Where a value goes, for the messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// "a client name".
    pub what: &'static str,
    /// An example literal: `"Alice"`.
    pub example: &'static str,
    /// The type an `{expr}` must have: "a `ClientName`", or "anything `Into<String>`".
    pub ty: &'static str,
    /// Whether any expression of the right type is accepted (`Into<String>`), so that wrapping
    /// an expression in braces is a fix that compiles.
    pub any_string: bool,
}

impl Slot {
    pub(crate) fn expected(self) -> String {
        format!(
            "expected {}: a string literal such as `{}`, or {} expression in braces such as `{{value}}`",
            self.what,
            self.example,
            if self.any_string {
                "an".to_owned()
            } else {
                self.ty.to_owned()
            }
        )
    }
}

/// A parameter value: any string.
pub const PARAM_VALUE: Slot = Slot {
    what: "a value",
    example: "\"Bar\"",
    ty: "anything `Into<String>`",
    any_string: true,
};

/// One statement: its keyword (and the keyword's span) and what follows it.
pub struct Stmt {
    /// The keyword, as the grammar spells it (`r#incoming` is `incoming`).
    pub keyword: &'static str,
    /// The keyword's span.
    pub span: Span,
    /// What follows it.
    pub body: Body,
}

/// What follows a statement's keyword, as [`Takes`] said.
pub enum Body {
    /// [`Takes::Nothing`].
    Nothing,
    /// [`Takes::Value`].
    Value(Value),
    /// [`Takes::ValueThenParams`]; `params` is empty without the block.
    ValueThenParams {
        /// The value.
        value: Value,
        /// The parameters, in order.
        params: Vec<Param>,
        /// Whether a block was written (`{}` counts).
        block: bool,
    },
    /// [`Takes::Params`]; empty without the block.
    Params(Vec<Param>),
    /// [`Takes::Ttl`].
    Ttl(TtlLit),
    /// [`Takes::Block`]: the statements of the block; `None` for `voice;`.
    Block(Option<Vec<Stmt>>),
    /// [`Takes::Path`].
    Path(TokenStream),
}

/// A literal, or a run-time value in braces.
pub enum Value {
    /// A string literal: its value and span.
    Lit(Text),
    /// `{expr}`: the brace group, emitted as a block expression with its own spans.
    Expr(Group),
}

impl Value {
    /// Whether the value is a literal.
    pub fn is_lit(&self) -> bool {
        matches!(self, Value::Lit(_))
    }

    /// The value's span: the literal's, or the braces'.
    pub fn span(&self) -> Span {
        match self {
            Value::Lit(text) => text.span,
            Value::Expr(group) => group.span(),
        }
    }
}

/// The value of a literal (or identifier) with its span.
#[derive(Clone, Debug)]
pub struct Text {
    /// The value, escapes decoded.
    pub value: String,
    /// The literal's span.
    pub span: Span,
}

/// `Key = "value"` in a parameter or filter block.
pub struct Param {
    /// The key.
    pub key: Text,
    /// The value.
    pub value: Value,
}

/// The literal of a `ttl` statement, taken apart. `1h30m` is one integer literal whose digits
/// are `1` and whose suffix is `h30m`.
#[derive(Clone, Debug)]
pub struct TtlLit {
    /// The literal as written, e.g. `1h30m`.
    pub text: String,
    /// The digits before the suffix, without `_`, in base 10.
    pub digits: String,
    /// The suffix, e.g. `h30m`; empty for `600`.
    pub suffix: String,
    /// The literal's span.
    pub span: Span,
}

/// A parsed block: its statements in source order, and the grammar mistakes found.
pub struct Input {
    /// Every statement that parsed, in source order.
    pub stmts: Vec<Stmt>,
    /// Every grammar mistake, in source order. When there are any, `stmts` may miss statements.
    pub errors: Vec<Error>,
}

impl Input {
    /// Parses the tokens of a block of `grammar`, recording every grammar mistake.
    pub fn parse(tokens: TokenStream, grammar: &'static Grammar) -> Input {
        Input::parse_at_most(tokens, grammar, usize::MAX).0
    }

    /// Parses the tokens of a block of `grammar` as [`Input::parse`] does, but stops at the
    /// statement where the mistakes found exceed `max_errors`: returns the input so far, and
    /// whether it stopped. Text from outside cannot make the parser spend more than a bounded
    /// time per mistake reported, however many statements are wrong.
    pub fn parse_at_most(
        tokens: TokenStream,
        grammar: &'static Grammar,
        max_errors: usize,
    ) -> (Input, bool) {
        let mut input = Input {
            stmts: Vec::new(),
            errors: Vec::new(),
        };
        for chunk in split_statements(tokens) {
            // Each statement may be given once: past one of each, every statement is a
            // mistake, so that this many statements hold more than `max_errors` mistakes.
            let too_many = input.stmts.len() > grammar.rules.len().saturating_add(max_errors);
            if input.errors.len() > max_errors || too_many {
                return (input, true);
            }
            let mut stopped = false;
            let parsed = (|stream: ParseStream| {
                parse_chunk(stream, grammar, &mut input, max_errors, &mut stopped)
            })
            .parse2(chunk);
            if let Err(error) = parsed {
                input.errors.extend(error);
            }
            if stopped {
                return (input, true);
            }
        }
        let stopped = input.errors.len() > max_errors;
        (input, stopped)
    }
}

/// Splits the tokens after each top-level `;`, keeping the `;` at the end of its chunk (so that a
/// statement cut short points at its `;`). A `;` inside braces belongs to its group. Lazy: the
/// chunks after a stop are never built.
fn split_statements(tokens: TokenStream) -> impl Iterator<Item = TokenStream> {
    let mut tokens = tokens.into_iter().peekable();
    std::iter::from_fn(move || {
        tokens.peek()?;
        let mut chunk = Vec::new();
        for tt in tokens.by_ref() {
            let end = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';');
            chunk.push(tt);
            if end {
                break;
            }
        }
        Some(chunk.into_iter().collect())
    })
}

/// Parses the statements of one chunk: normally one statement and its `;`. When the `;` is
/// missing before another statement, records that and goes on with the next statement.
/// Sets `stopped` when `out` holds more than `max_errors` mistakes.
fn parse_chunk(
    input: ParseStream,
    grammar: &'static Grammar,
    out: &mut Input,
    max_errors: usize,
    stopped: &mut bool,
) -> Result<()> {
    loop {
        let budget = max_errors.saturating_sub(out.errors.len());
        let stmt = parse_stmt(input, grammar, budget, stopped)?;
        let keyword = stmt.keyword;
        out.stmts.push(stmt);
        if input.is_empty() {
            return Ok(());
        }
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
            return Ok(());
        }
        if peek_keyword(input, grammar).is_some() {
            out.errors.push(input.error(format!(
                "expected `;` after the `{keyword}` statement, before this one"
            )));
            if out.errors.len() > max_errors {
                *stopped = true;
                return Ok(());
            }
            continue;
        }
        return Err(input.error(format!(
            "unexpected token after the `{keyword}` statement; expected `;`"
        )));
    }
}

/// The rule whose keyword comes next (raw identifiers included), if any.
fn peek_keyword(input: ParseStream, grammar: &'static Grammar) -> Option<&'static Rule> {
    let ident = input.fork().call(Ident::parse_any).ok()?;
    let word = ident.unraw().to_string();
    grammar.rules.iter().find(|rule| rule.keyword == word)
}

/// `budget`: the mistakes a nested block may report before its parsing stops (`stopped`).
fn parse_stmt(
    input: ParseStream,
    grammar: &'static Grammar,
    budget: usize,
    stopped: &mut bool,
) -> Result<Stmt> {
    if !input.peek(Ident::peek_any) {
        return Err(input.error(format!(
            "expected one of: {}",
            list(grammar.rules.iter().map(|r| r.keyword), ", ")
        )));
    }
    let word = input.call(Ident::parse_any)?;
    let Some(rule) = grammar
        .rules
        .iter()
        .find(|rule| word.unraw() == rule.keyword)
    else {
        return Err(unknown_statement(&word, grammar));
    };
    let span = word.span();
    let body = match rule.takes {
        Takes::Nothing => Body::Nothing,
        Takes::Value(slot) => Body::Value(parse_value(input, slot, grammar, false)?),
        Takes::ValueThenParams(slot) => {
            let value = parse_value(input, slot, grammar, true)?;
            let block = input.peek(token::Brace);
            let params = parse_params_if_any(input, grammar)?;
            Body::ValueThenParams {
                value,
                params,
                block,
            }
        }
        Takes::Params => Body::Params(parse_params_if_any(input, grammar)?),
        Takes::Ttl => Body::Ttl(parse_ttl(input, grammar)?),
        Takes::Block(inner) => {
            if input.peek(token::Brace) {
                let content;
                syn::braced!(content in input);
                let (parsed, stop) = Input::parse_at_most(content.parse()?, inner, budget);
                *stopped |= stop;
                if let Some(error) = combine(parsed.errors) {
                    return Err(error);
                }
                Body::Block(Some(parsed.stmts))
            } else {
                Body::Block(None)
            }
        }
        Takes::Path => {
            if !input.peek(Token![=]) {
                return Err(input.error(format!(
                    "expected `=` after `{}`, such as `crate = ::my_capability;`",
                    rule.keyword
                )));
            }
            input.parse::<Token![=]>()?;
            let mut path = TokenStream::new();
            while !input.is_empty() && !input.peek(Token![;]) {
                let tt: TokenTree = input.parse()?;
                let ok = match &tt {
                    TokenTree::Ident(_) => true,
                    TokenTree::Punct(p) => p.as_char() == ':',
                    _ => false,
                };
                if !ok {
                    return Err(Error::new(
                        tt.span(),
                        "expected a path to the `capability` crate, such as `::my_capability`",
                    ));
                }
                path.extend([tt]);
            }
            if path.is_empty() {
                return Err(input.error(
                    "expected a path to the `capability` crate, such as `::my_capability`",
                ));
            }
            Body::Path(path)
        }
    };
    Ok(Stmt {
        keyword: rule.keyword,
        span,
        body,
    })
}

/// Merges errors into one, in order.
pub(crate) fn combine(errors: impl IntoIterator<Item = Error>) -> Option<Error> {
    let mut errors = errors.into_iter();
    let mut first = errors.next()?;
    for error in errors {
        first.combine(error);
    }
    Some(first)
}

/// "`a`, `b` and `c`" (or with another last separator).
fn list<'a>(words: impl Iterator<Item = &'a str>, last: &str) -> String {
    let words: Vec<String> = words.map(|w| format!("`{w}`")).collect();
    match words.split_last() {
        Some((tail, init)) if !init.is_empty() => format!("{}{last}{tail}", init.join(", ")),
        Some((tail, _)) => tail.clone(),
        None => String::new(),
    }
}

/// `text` as a message quotes it: its first [`MAX_QUOTE_CHARS`] characters, then `…` when
/// there are more.
pub(crate) fn quote(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]).into(),
        None => text.into(),
    }
}

/// "unknown statement `incomming`; did you mean `incoming`?"
fn unknown_statement(ident: &Ident, grammar: &Grammar) -> Error {
    let word = ident.unraw().to_string();
    let text = quote(&word);
    let what = grammar.what;
    let (within, of) = match grammar.within {
        "" => (String::new(), String::new()),
        grant => (format!(" in `{grant}`"), format!(" of `{grant}`")),
    };
    let message = match suggest(&word, grammar.rules.iter().map(|r| r.keyword)) {
        Some(keyword) => {
            format!("unknown {what} `{text}`{within}\nhelp: did you mean `{keyword}`?")
        }
        None => format!(
            "unknown {what} `{text}`{within}; the {what}s{of} are {}",
            list(grammar.rules.iter().map(|r| r.keyword), " and ")
        ),
    };
    Error::new(ident.span(), message)
}

/// The keyword `word` is a near miss of, the nearest first: at most a third of the keyword's
/// length in edits (so one for `ttl`, two for `incoming`), as rustc's own suggestions.
pub fn suggest<'a>(word: &str, keywords: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let lower = word.to_ascii_lowercase();
    keywords
        // The distance is at least the difference in length: a long word is compared with no
        // keyword, in time linear in its length.
        .filter(|keyword| len.abs_diff(keyword.chars().count()) <= 2)
        .map(|keyword| (edit_distance(&lower, keyword), keyword))
        .filter(|&(distance, keyword)| distance <= (keyword.len() / 3).clamp(1, 2))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, keyword)| keyword)
}

/// The edit distance between two strings, counted in characters: insertions, deletions,
/// substitutions and transpositions of two neighbours (`vioce` is one edit from `voice`).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: the distance between a[..i] and b[..j].
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// A string literal or `{expr}`. `params_follow`: a parameter block may follow the value.
fn parse_value(
    input: ParseStream,
    slot: Slot,
    grammar: &'static Grammar,
    params_follow: bool,
) -> Result<Value> {
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
                    if slot.any_string { "an" } else { slot.ty }
                ),
            ));
        }
        if params_follow && looks_like_params(&group) {
            return Err(Error::new(
                group.span(),
                format!(
                    "this block holds parameters, but {} comes first: write `… {} {{ Key = \"value\" }}`",
                    slot.what, slot.example
                ),
            ));
        }
        return Ok(Value::Expr(group));
    }
    // Anything else up to the end of the statement (or of the parameter): name it, and give a
    // fix only where the fix compiles.
    let mut found = TokenStream::new();
    let mut lone_ident = None;
    let mut count = 0;
    loop {
        let at_end = input.is_empty()
            || input.peek(Token![;])
            || input.peek(Token![,])
            || (params_follow && count > 0 && input.peek(token::Brace))
            || (count > 0 && peek_keyword(input, grammar).is_some());
        if at_end {
            break;
        }
        let tt: TokenTree = input.parse()?;
        if count == 0 {
            if let TokenTree::Ident(ident) = &tt {
                lone_ident = Some(ident.clone());
            }
        }
        found.extend([tt]);
        count += 1;
    }
    if count == 0 {
        return Err(input.error(slot.expected()));
    }
    let lone_ident = lone_ident
        .filter(|_| count == 1)
        .map(|ident| quote(&ident.to_string()).into_owned());
    let text = found.to_string();
    let text = quote(&text);
    let message = match (&lone_ident, slot.any_string) {
        (Some(ident), _) => format!(
            "{}\nhelp: to use the value of `{ident}`, write `{{{ident}}}`",
            slot.expected()
        ),
        (None, true) => format!(
            "{}; `{text}` is not a literal\nhelp: to use the value of an expression, write it in braces: `{{{text}}}`",
            slot.expected()
        ),
        (None, false) => format!(
            "{}; `{text}` is not a literal, and the value in braces must be {}",
            slot.expected(),
            slot.ty
        ),
    };
    Err(Error::new_spanned(found, message))
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
fn parse_params_if_any(input: ParseStream, grammar: &'static Grammar) -> Result<Vec<Param>> {
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
            return Err(content.error(format!(
                "expected `=` after the key `{}`",
                quote(&key.value)
            )));
        }
        content.parse::<Token![=]>()?;
        let value = parse_value(&content, PARAM_VALUE, grammar, false)?;
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

/// The integer type suffixes of Rust, which look like units but are not.
const TYPE_SUFFIXES: [&str; 14] = [
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64",
];

/// A duration literal: `600s`, `10m`, `1h30m`. The suffix is read by the validator.
fn parse_ttl(input: ParseStream, grammar: &'static Grammar) -> Result<TtlLit> {
    const EXPECTED: &str =
        "expected a duration: a whole number with a unit, such as `600s`, `10m`, `1h` or `1h30m`";
    if input.peek(Token![-]) && (input.peek2(LitInt) || input.peek2(LitFloat)) {
        let minus: Token![-] = input.parse()?;
        let number: TokenTree = input.parse()?;
        let text = format!("-{number}");
        let both: TokenStream = [
            TokenTree::Punct(proc_macro2::Punct::new('-', proc_macro2::Spacing::Alone)),
            number,
        ]
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Punct(p) = &mut tt {
                p.set_span(minus.span);
            }
            tt
        })
        .collect();
        return Err(Error::new_spanned(
            both,
            format!("a TTL cannot be negative: `{text}`; use from `1s` to `24h`"),
        ));
    }
    if input.peek(LitInt) {
        let lit: LitInt = input.parse()?;
        let ttl = TtlLit {
            text: lit.to_string(),
            digits: lit.base10_digits().to_owned(),
            suffix: lit.suffix().to_owned(),
            span: lit.span(),
        };
        if TYPE_SUFFIXES.contains(&ttl.suffix.as_str()) {
            return Err(Error::new(
                lit.span(),
                format!(
                    "`{}` has the type suffix `{}`, not a unit\nhelp: write `{}s` for seconds (the units are `s`, `m` and `h`)",
                    ttl.text, ttl.suffix, ttl.digits
                ),
            ));
        }
        if ttl.suffix.is_empty() && input.peek(Ident) && peek_keyword(input, grammar).is_none() {
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
        return Err(Error::new(lit.span(), float_ttl_message(&lit)));
    }
    if let Ok(TokenTree::Group(group)) = input.fork().parse::<TokenTree>() {
        if group.delimiter() == Delimiter::Brace {
            return Err(Error::new(
                group.span(),
                "a TTL is always a literal, such as `10m`; a policy's lifetime is checked at compile time",
            ));
        }
    }
    Err(input.error(EXPECTED))
}

/// What is wrong with a TTL written as a float literal: `1.5h`, `1e3s`, `600f32`.
fn float_ttl_message(lit: &LitFloat) -> String {
    let digits = lit.base10_digits();
    let suffix = lit.suffix();
    if TYPE_SUFFIXES.contains(&suffix) {
        return format!(
            "`{lit}` has the type suffix `{suffix}`, not a unit\nhelp: a TTL is a whole number with the unit `s`, `m` or `h`, such as `600s`"
        );
    }
    let unit = match suffix {
        "h" => Some(3600.0),
        "m" => Some(60.0),
        "s" => Some(1.0),
        _ => None,
    };
    let seconds = digits.parse::<f64>().ok().zip(unit).map(|(n, u)| n * u);
    let help = match seconds {
        Some(s) if s.fract() == 0.0 && (1.0..=86_400.0).contains(&s) => {
            format!("\nhelp: write `{}`", compound(s as u64))
        }
        _ => String::new(),
    };
    if digits.contains(['e', 'E']) {
        format!("the TTL `{lit}` has an exponent; write it as a whole number with a unit{help}")
    } else {
        format!(
            "`{lit}` is not a whole number; use a smaller unit or a compound such as `1h30m`{help}"
        )
    }
}

/// `5400` → `1h30m`: the shortest way to write a number of seconds.
pub(crate) fn compound(mut secs: u64) -> String {
    let mut out = String::new();
    for (unit, len) in [("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= len {
            out.push_str(&format!("{}{unit}", secs / len));
            secs %= len;
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}
