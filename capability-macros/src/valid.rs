//! Checks a parsed invocation with the runtime's own rules, collecting every mistake.
//!
//! Each literal is checked by the runtime (`ClientName::new`, `AppSid::new`, `check_ttl`, the
//! policy builder) and the runtime error's message becomes the compile error, spanned on the
//! literal. Then the whole policy is built at compile time with `Policy::builder()…build()`: for
//! an all-literal policy that is the very policy the expansion embeds; for one with `{expr}`
//! values, the same policy with placeholders, which proves the builder's rules hold, so the
//! expansion may call the infallible `__build_checked`.

use std::time::Duration;

use capability_runtime::{check_ttl, AppSid, ClientName, Policy, PolicyBuilder, ScopeKind};
use proc_macro2::Span;
use syn::Error;

use crate::ast::{Body, Input, Keyword, Param, Stmt, TtlLit, Value};

/// A checked invocation, ready to expand.
pub(crate) struct Checked {
    /// The statements in source order, each at most once.
    pub stmts: Vec<Stmt>,
    /// The `ttl` in seconds, if given.
    pub ttl_secs: Option<u64>,
    /// The policy, built at compile time, when every value is a literal.
    pub literal: Option<Policy>,
}

/// Every mistake found so far; merged with `syn::Error::combine` at the end.
#[derive(Default)]
struct Errors(Vec<Error>);

impl Errors {
    fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.0.push(Error::new(span, message));
    }

    /// One error per mistake, in the order found; `None` when there is none.
    fn combined(self) -> Option<Error> {
        let mut errors = self.0.into_iter();
        let mut first = errors.next()?;
        for error in errors {
            first.combine(error);
        }
        Some(first)
    }
}

/// A valid Application SID standing in for `{expr}` when the policy is built at compile time.
const PLACEHOLDER_SID: AppSid = AppSid::from_static("AP00000000000000000000000000000000");
/// A valid client name standing in for `{expr}`.
const PLACEHOLDER_NAME: ClientName = ClientName::from_static("placeholder");

/// Checks everything; on failure, one `syn::Error` holding every mistake (grammar mistakes
/// first, then the others in statement order).
pub(crate) fn check(input: Input) -> Result<Checked, Error> {
    let Input { stmts, errors } = input;
    let syntax_ok = errors.is_empty();
    let mut errors = Errors(errors);
    let mut first: [Option<Span>; 4] = [None; 4];
    let mut ttl_secs = None;

    for stmt in &stmts {
        let index = stmt.keyword as usize;
        match first[index] {
            Some(span) => {
                let keyword = stmt.keyword.as_str();
                errors.push(
                    stmt.span,
                    format!("`{keyword}` is given twice; give each statement at most once"),
                );
                errors.push(span, format!("`{keyword}` is first given here"));
            }
            None => first[index] = Some(stmt.span),
        }
        match &stmt.body {
            Body::Incoming(name) => check_client_name(name, &mut errors),
            Body::Outgoing { app_sid, params } => {
                check_app_sid(app_sid, &mut errors);
                check_params(ScopeKind::Outgoing, params, &mut errors);
            }
            Body::Events(filters) => check_params(ScopeKind::Events, filters, &mut errors),
            Body::Ttl(lit) => match ttl_seconds(lit) {
                Ok(secs) => ttl_secs = Some(secs),
                Err(message) => errors.push(lit.span, message),
            },
        }
    }

    let grants = stmts.iter().any(|s| s.keyword != Keyword::Ttl);
    if !grants && syntax_ok {
        errors.push(
            Span::call_site(),
            capability_runtime::Error::EmptyPolicy.to_string(),
        );
    }
    if let Some(error) = errors.combined() {
        return Err(error);
    }

    // Every rule holds; the runtime's builder confirms it, and encodes the policy.
    let policy = build(&stmts, ttl_secs).map_err(|e| Error::new(Span::call_site(), e))?;
    let all_literal = stmts.iter().all(|stmt| match &stmt.body {
        Body::Incoming(name) => name.is_lit(),
        Body::Outgoing { app_sid, params } => {
            app_sid.is_lit() && params.iter().all(|p| p.value.is_lit())
        }
        Body::Events(filters) => filters.iter().all(|p| p.value.is_lit()),
        Body::Ttl(_) => true,
    });
    Ok(Checked {
        stmts,
        ttl_secs,
        literal: all_literal.then_some(policy),
    })
}

fn check_client_name(name: &Value, errors: &mut Errors) {
    if let Value::Lit(text) = name {
        if let Err(e) = ClientName::new(&text.value) {
            errors.push(text.span, e);
        }
    }
}

fn check_app_sid(app_sid: &Value, errors: &mut Errors) {
    if let Value::Lit(text) = app_sid {
        if let Err(e) = AppSid::new(&text.value) {
            errors.push(text.span, e);
        }
    }
}

/// Each key by the runtime's rule (checked one at a time so the error points at it), and no
/// key twice in one block.
fn check_params(kind: ScopeKind, params: &[Param], errors: &mut Errors) {
    let what = match kind {
        ScopeKind::Events => "filter",
        _ => "parameter",
    };
    for (i, param) in params.iter().enumerate() {
        let key = &param.key;
        if let Err(e) = with_params(Policy::builder(), kind, [(key.value.as_str(), "")]).build() {
            errors.push(key.span, e);
        }
        if let Some(earlier) = params[..i].iter().find(|p| p.key.value == key.value) {
            errors.push(
                key.span,
                format!(
                    "the {what} `{}` of `{kind}` is given twice; give each key at most once",
                    key.value.escape_debug()
                ),
            );
            errors.push(
                earlier.key.span,
                format!(
                    "the {what} `{}` is first given here",
                    key.value.escape_debug()
                ),
            );
        }
    }
}

fn with_params<'a>(
    builder: PolicyBuilder,
    kind: ScopeKind,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> PolicyBuilder {
    match kind {
        ScopeKind::Outgoing => builder.outgoing(PLACEHOLDER_SID, pairs),
        _ => builder.events(pairs),
    }
}

/// The units of a TTL, largest first, with their length in seconds.
const UNITS: [(&str, u64); 3] = [("h", 3600), ("m", 60), ("s", 1)];

/// The number of seconds a `ttl` literal stands for, checked by the runtime's `check_ttl`; or the
/// message saying what is wrong.
pub(crate) fn ttl_seconds(lit: &TtlLit) -> Result<u64, String> {
    let text = &lit.text;
    if ["0x", "0o", "0b"].iter().any(|p| text.starts_with(p)) {
        return Err(format!(
            "write the TTL `{text}` in decimal, such as `600s` or `10m`"
        ));
    }
    if lit.suffix.is_empty() {
        return Err(format!(
            "the TTL `{text}` has no unit\nhelp: write `{}s` for seconds (the units are `s`, `m` and `h`)",
            lit.digits
        ));
    }
    let overflow = || {
        format!("the TTL `{text}` is too large to count in seconds\nhelp: the longest TTL is `24h`")
    };
    let mut total: u64 = 0;
    let mut number = lit.digits.clone();
    let mut rest = lit.suffix.as_str();
    let mut previous: Option<usize> = None;
    loop {
        let end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (unit, tail) = rest.split_at(end);
        let Some(index) = UNITS.iter().position(|&(u, _)| u == unit) else {
            return Err(format!(
                "unknown unit `{unit}` in the TTL `{text}`; use `s` (seconds), `m` (minutes) or `h` (hours), such as `10m` or `1h30m`"
            ));
        };
        if previous.is_some_and(|p| index <= p) {
            return Err(format!(
                "the units of the TTL `{text}` must go from the largest to the smallest, each at most once, such as `1h30m15s`"
            ));
        }
        previous = Some(index);
        let n: u64 = number.parse().map_err(|_| overflow())?;
        total = n
            .checked_mul(UNITS[index].1)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(overflow)?;
        if tail.is_empty() {
            break;
        }
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '_'))
            .unwrap_or(tail.len());
        number = tail[..end].replace('_', "");
        rest = &tail[end..];
        if rest.is_empty() {
            let help = match UNITS.get(index + 1) {
                Some((unit, _)) => format!("write `{text}{unit}`"),
                None => "the units are `h`, `m` and `s`, in this order".to_owned(),
            };
            return Err(format!(
                "the number `{number}` at the end of the TTL `{text}` has no unit\nhelp: {help}"
            ));
        }
    }
    if let Err(e) = check_ttl(Duration::from_secs(total)) {
        let help = if total == 0 {
            "the shortest TTL is `1s`"
        } else {
            "the longest TTL is `24h`"
        };
        return Err(format!("`{text}`: {e}\nhelp: {help}"));
    }
    Ok(total)
}

/// The policy, built by the runtime, with placeholders for `{expr}` values.
fn build(stmts: &[Stmt], ttl_secs: Option<u64>) -> Result<Policy, capability_runtime::Error> {
    let mut builder = Policy::builder();
    for stmt in stmts {
        builder = match &stmt.body {
            Body::Incoming(name) => builder.incoming(match name {
                Value::Lit(text) => ClientName::new(&text.value)?,
                Value::Expr(_) => PLACEHOLDER_NAME,
            }),
            Body::Outgoing { app_sid, params } => builder.outgoing(
                match app_sid {
                    Value::Lit(text) => AppSid::new(&text.value)?,
                    Value::Expr(_) => PLACEHOLDER_SID,
                },
                pairs(params),
            ),
            Body::Events(filters) => builder.events(pairs(filters)),
            Body::Ttl(_) => builder,
        };
    }
    if let Some(secs) = ttl_secs {
        builder = builder.ttl(Duration::from_secs(secs));
    }
    builder.build()
}

/// The pairs of a block; an `{expr}` value stands as an empty string.
fn pairs(params: &[Param]) -> impl Iterator<Item = (&str, &str)> {
    params.iter().map(|p| {
        let value = match &p.value {
            Value::Lit(text) => text.value.as_str(),
            Value::Expr(_) => "",
        };
        (p.key.value.as_str(), value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;

    fn check_tokens(tokens: TokenStream) -> Result<Checked, Vec<String>> {
        check(Input::parse(tokens)).map_err(|e| e.into_iter().map(|e| e.to_string()).collect())
    }

    fn errors(tokens: TokenStream) -> Vec<String> {
        match check_tokens(tokens) {
            Ok(_) => panic!("expected errors"),
            Err(messages) => messages,
        }
    }

    fn ttl(text: &str) -> Result<u64, String> {
        let lit: syn::LitInt = syn::parse_str(text).unwrap();
        ttl_seconds(&TtlLit {
            text: lit.to_string(),
            digits: lit.base10_digits().to_owned(),
            suffix: lit.suffix().to_owned(),
            span: lit.span(),
        })
    }

    #[test]
    fn durations() {
        assert_eq!(ttl("600s"), Ok(600));
        assert_eq!(ttl("10m"), Ok(600));
        assert_eq!(ttl("1h"), Ok(3600));
        assert_eq!(ttl("1h30m"), Ok(5400));
        assert_eq!(ttl("1h30m15s"), Ok(5415));
        assert_eq!(ttl("2h15s"), Ok(7215));
        assert_eq!(ttl("1_000s"), Ok(1000));
        assert_eq!(ttl("24h"), Ok(86_400));
        assert_eq!(ttl("23h59m60s"), Ok(86_400));
        assert_eq!(ttl("1s"), Ok(1));
    }

    #[test]
    fn duration_mistakes() {
        assert_eq!(
            ttl("600").unwrap_err(),
            "the TTL `600` has no unit\nhelp: write `600s` for seconds (the units are `s`, `m` and `h`)"
        );
        assert!(ttl("10min")
            .unwrap_err()
            .starts_with("unknown unit `min` in the TTL `10min`"));
        assert!(ttl("10ms").unwrap_err().starts_with("unknown unit `ms`"));
        assert_eq!(
            ttl("1h30").unwrap_err(),
            "the number `30` at the end of the TTL `1h30` has no unit\nhelp: write `1h30m`"
        );
        assert!(ttl("1m30").unwrap_err().ends_with("help: write `1m30s`"));
        assert!(ttl("1s30")
            .unwrap_err()
            .ends_with("help: the units are `h`, `m` and `s`, in this order"));
        assert!(ttl("30m1h")
            .unwrap_err()
            .contains("from the largest to the smallest"));
        assert!(ttl("1m1m")
            .unwrap_err()
            .contains("from the largest to the smallest"));
        assert_eq!(
            ttl("0s").unwrap_err(),
            "`0s`: a TTL of 0 s is not allowed; use from 1 s to 24 h (86400 s)\nhelp: the shortest TTL is `1s`"
        );
        assert_eq!(
            ttl("24h1s").unwrap_err(),
            "`24h1s`: a TTL of 86401 s is not allowed; use from 1 s to 24 h (86400 s)\nhelp: the longest TTL is `24h`"
        );
        let overflow = "is too large to count in seconds\nhelp: the longest TTL is `24h`";
        assert!(ttl("99999999999999999999s")
            .unwrap_err()
            .ends_with(overflow));
        assert!(ttl("9999999999999999999h").unwrap_err().ends_with(overflow));
        assert!(ttl("1h18446744073709551615s")
            .unwrap_err()
            .ends_with(overflow));
        assert!(ttl("0x10s").unwrap_err().contains("in decimal"));
    }

    #[test]
    fn literals_are_checked_by_the_runtime() {
        let messages = errors(quote! {
            incoming "alice-smith";
            outgoing "AP123";
            ttl 0s;
        });
        assert_eq!(
            messages,
            [
                ClientName::new("alice-smith").unwrap_err().to_string(),
                AppSid::new("AP123").unwrap_err().to_string(),
                ttl("0s").unwrap_err(),
            ]
        );
        assert_eq!(
            errors(quote!(outgoing "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";)),
            ["`ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` is an Account SID; an Application SID starts with `AP`"]
        );
        let long = "a".repeat(122);
        assert_eq!(
            errors(quote!(incoming #long;)),
            ["a client name has at most 121 characters, this one has 122; shorten it"]
        );
        assert_eq!(
            errors(quote!(incoming "";)),
            ["a client name cannot be empty; use 1 to 121 letters, digits or `_`"]
        );
    }

    #[test]
    fn duplicates_point_at_both() {
        assert_eq!(
            errors(quote!(incoming "a"; ttl 1h; incoming "b"; ttl 2h;)),
            [
                "`incoming` is given twice; give each statement at most once",
                "`incoming` is first given here",
                "`ttl` is given twice; give each statement at most once",
                "`ttl` is first given here",
            ]
        );
        assert_eq!(
            errors(quote!(events { Foo = "a", "Foo" = "b" };)),
            [
                "the filter `Foo` of `events` is given twice; give each key at most once",
                "the filter `Foo` is first given here",
            ]
        );
        assert_eq!(
            errors(quote!(outgoing "AP0123456789abcdef0123456789abcdef" { "" = "a" };)),
            ["a parameter of `outgoing` has an empty key; give every key at least one character"]
        );
    }

    #[test]
    fn a_policy_must_grant_something() {
        let expected = ["the policy grants nothing; add `incoming`, `outgoing` or `events`"];
        assert_eq!(errors(quote!()), expected);
        assert_eq!(errors(quote!(ttl 10m;)), expected);
        // Not when a grammar mistake may have hidden a grant.
        assert_eq!(
            errors(quote!(incomming "a"; ttl 10m;)),
            ["unknown statement `incomming`; did you mean `incoming`?"]
        );
    }

    #[test]
    fn every_independent_mistake_is_reported() {
        let messages = errors(quote! {
            incomming "Alice";
            outgoing "AC0123456789abcdef0123456789abcdef" { Foo = "a", Foo = "b" };
            events { "" = "x" };
            ttl 600;
        });
        assert_eq!(messages.len(), 6, "{messages:#?}");
    }

    #[test]
    fn all_literal_policies_are_built_at_compile_time() {
        let checked = check_tokens(quote! {
            incoming "Alice";
            outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar", "Queue-Name" = "support desk" };
            events { Level = "error" };
            ttl 10m;
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        let built = Policy::builder()
            .incoming(ClientName::new("Alice").unwrap())
            .outgoing(
                AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
                [("Foo", "Bar"), ("Queue-Name", "support desk")],
            )
            .events([("Level", "error")])
            .ttl(Duration::from_secs(600))
            .build()
            .unwrap();
        let policy = checked.literal.expect("all literal");
        assert_eq!(policy.scope(), built.scope());
        assert_eq!(policy.__payload_prefix_b64(), built.__payload_prefix_b64());
        assert_eq!(policy.grants(), built.grants());
        assert_eq!(policy.ttl(), built.ttl());
        assert_eq!(checked.ttl_secs, Some(600));
    }

    #[test]
    fn dynamic_policies_are_checked_but_not_embedded() {
        let checked = check_tokens(quote! {
            outgoing {sid} { Foo = {value} };
            incoming "Alice";
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(checked.literal.is_none());
        assert_eq!(checked.ttl_secs, None);
        assert_eq!(checked.stmts.len(), 2);
    }
}
