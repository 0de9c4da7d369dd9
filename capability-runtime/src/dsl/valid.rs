//! The `capability!` grammar, and the check of a parsed policy with the runtime's own rules.
//!
//! Each literal is checked by the runtime (`ClientName::new`, `AppSid::new`, the TTL rule, the
//! policy builder) and the runtime error's message becomes the error, spanned on the literal.
//! Then the whole policy is built with `Policy::builder()…build()`: for an all-literal policy
//! that is the very policy the expansion embeds (or run-time parsing returns). For one with
//! `{expr}` values, a stand-in with the longest values the types allow, which proves every rule
//! but the size limit for any value of the types; the size limit needs the values themselves
//! when a parameter is an `{expr}`, and such a policy is built with `build()` at run time.

use std::collections::HashMap;
use std::time::Duration;

use proc_macro2::{Span, TokenStream};
use syn::Error;

use super::ast::{
    combine, quote, Body, Grammar, Input, Param, Rule, Slot, Stmt, Takes, Text, Value,
};
use super::ttl::ttl_seconds;
use crate::client_name::MAX_CLIENT_NAME_LEN;
use crate::kinds::ScopeKind;
use crate::{AppSid, ClientName, Policy, PolicyBuilder};

/// A client name, for messages.
pub const CLIENT_NAME: Slot = Slot {
    what: "a client name",
    example: "\"Alice\"",
    ty: "a `ClientName`",
    any_string: false,
};

/// An Application SID, for messages.
pub const APP_SID: Slot = Slot {
    what: "an Application SID",
    example: "\"AP0123456789abcdef0123456789abcdef\"",
    ty: "an `AppSid`",
    any_string: false,
};

/// The statements of `capability!`.
pub static GRAMMAR: Grammar = Grammar {
    what: "statement",
    within: "",
    rules: &[
        Rule {
            keyword: "incoming",
            takes: Takes::Value(CLIENT_NAME),
        },
        Rule {
            keyword: "outgoing",
            takes: Takes::ValueThenParams(APP_SID),
        },
        Rule {
            keyword: "events",
            takes: Takes::Params,
        },
        Rule {
            keyword: "ttl",
            takes: Takes::Ttl,
        },
        Rule {
            keyword: "crate",
            takes: Takes::Path,
        },
    ],
};

/// A scope of a checked policy.
pub enum Grant {
    /// `incoming`.
    Incoming(Value),
    /// `outgoing`.
    Outgoing {
        /// The Application SID.
        app_sid: Value,
        /// The parameters.
        params: Vec<Param>,
    },
    /// `events`.
    Events(Vec<Param>),
}

/// A checked `capability!` policy, ready to expand.
pub struct Checked {
    /// The scopes in source order, each at most once.
    pub grants: Vec<Grant>,
    /// The `ttl` in seconds, if given.
    pub ttl_secs: Option<u64>,
    /// The path of the `capability` crate, from `crate = path;`.
    pub krate: Option<TokenStream>,
    /// The policy, built here, when every value is a literal.
    pub literal: Option<Policy>,
    /// Whether a parameter value is an `{expr}`: only then can the policy's size break the
    /// limit at run time, so only then does the expansion evaluate to a `Result`.
    pub fallible: bool,
}

/// Every mistake found so far; merged with `syn::Error::combine` at the end.
#[derive(Default)]
pub(crate) struct Errors(pub(crate) Vec<Error>);

impl Errors {
    pub(crate) fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.0.push(Error::new(span, message));
    }

    /// Reports a statement given twice, pointing at both.
    pub(crate) fn once(&mut self, seen: &mut Vec<(&'static str, Span)>, stmt: &Stmt) {
        match seen.iter().find(|(keyword, _)| *keyword == stmt.keyword) {
            Some(&(keyword, first)) => {
                self.push(
                    stmt.span,
                    format!("`{keyword}` is given twice; give each statement at most once"),
                );
                self.push(first, format!("`{keyword}` is first given here"));
            }
            None => seen.push((stmt.keyword, stmt.span)),
        }
    }
}

/// A valid Application SID standing in for `{expr}` when the policy is built here.
const PLACEHOLDER_SID: AppSid = AppSid::from_static("AP00000000000000000000000000000000");

/// A client name standing in for `{expr}`: the longest the type allows, so that a stand-in
/// that fits the size limit proves every `ClientName` does.
fn placeholder_name() -> ClientName {
    ClientName::new(&"a".repeat(MAX_CLIENT_NAME_LEN)).unwrap_or(ClientName::from_static("a"))
}

/// Checks everything; on failure, one `syn::Error` holding every mistake (grammar mistakes
/// first, then the others in statement order).
pub fn check(input: Input) -> Result<Checked, Error> {
    let Input { stmts, errors } = input;
    let syntax_ok = errors.is_empty();
    let mut errors = Errors(errors);
    let mut seen = Vec::new();
    let mut ttl_secs = None;
    let mut krate = None;
    let mut grants = Vec::new();

    for stmt in stmts {
        errors.once(&mut seen, &stmt);
        match (stmt.keyword, stmt.body) {
            ("incoming", Body::Value(name)) => {
                check_client_name(&name, &mut errors);
                grants.push(Grant::Incoming(name));
            }
            ("outgoing", Body::ValueThenParams { value, params, .. }) => {
                check_app_sid(&value, &mut errors);
                check_params(ScopeKind::Outgoing, &params, &mut errors);
                grants.push(Grant::Outgoing {
                    app_sid: value,
                    params,
                });
            }
            ("events", Body::Params(filters)) => {
                check_params(ScopeKind::Events, &filters, &mut errors);
                grants.push(Grant::Events(filters));
            }
            ("ttl", Body::Ttl(lit)) => match ttl_seconds(&lit) {
                Ok(secs) => ttl_secs = Some(secs),
                Err(message) => errors.push(lit.span, message),
            },
            ("crate", Body::Path(path)) => krate = Some(path),
            _ => {}
        }
    }

    if grants.is_empty() && syntax_ok {
        errors.push(Span::call_site(), crate::Error::EmptyPolicy);
    }
    if let Some(error) = combine(errors.0) {
        return Err(error);
    }

    let fallible = grants.iter().any(|grant| match grant {
        Grant::Outgoing { params, .. } | Grant::Events(params) => {
            params.iter().any(|p| !p.value.is_lit())
        }
        Grant::Incoming(_) => false,
    });
    // Every rule holds; the runtime's builder confirms it, and encodes the policy.
    let policy = match build(&grants, ttl_secs) {
        Ok(policy) => policy,
        // With `{expr}` parameters as empty strings, the literals alone may be too large.
        Err(e @ crate::Error::PolicyTooLarge { .. }) => {
            return Err(Error::new(largest_part(&grants), too_large_message(&e)));
        }
        Err(e) => return Err(Error::new(Span::call_site(), e)),
    };
    let all_literal = !fallible
        && grants.iter().all(|grant| match grant {
            Grant::Incoming(name) => name.is_lit(),
            Grant::Outgoing { app_sid, .. } => app_sid.is_lit(),
            Grant::Events(_) => true,
        });
    Ok(Checked {
        grants,
        ttl_secs,
        krate,
        literal: all_literal.then_some(policy),
        fallible,
    })
}

fn too_large_message(e: &crate::Error) -> String {
    format!("{e}\nhelp: this is the largest part of the policy")
}

/// The span of the literal that takes the most room in the scope claim.
fn largest_part(grants: &[Grant]) -> Span {
    let mut values = Vec::new();
    let mut params = Vec::new();
    for grant in grants {
        match grant {
            Grant::Incoming(name) => values.push(name),
            Grant::Outgoing { app_sid, params: p } => {
                values.push(app_sid);
                params.extend(p);
            }
            Grant::Events(p) => params.extend(p),
        }
    }
    largest(values, params, encoded_len)
}

/// The span of the literal among `values` and the keys and values of `params` whose encoded
/// length (`len`) is the largest: where a policy too large to verify says to look.
pub(crate) fn largest<'a>(
    values: impl IntoIterator<Item = &'a Value>,
    params: impl IntoIterator<Item = &'a Param>,
    len: fn(&str) -> usize,
) -> Span {
    let mut literals: Vec<&Text> = Vec::new();
    let mut values: Vec<&Value> = values.into_iter().collect();
    for p in params {
        values.push(&p.value);
        literals.push(&p.key);
    }
    literals.extend(values.into_iter().filter_map(|v| match v {
        Value::Lit(text) => Some(text),
        Value::Expr(_) => None,
    }));
    literals
        .into_iter()
        .map(|text| (len(&text.value), text.span))
        .max_by_key(|&(len, _)| len)
        .map_or_else(Span::call_site, |(_, span)| span)
}

/// The length of a parameter in the scope claim, where it is URL-encoded twice: a byte that
/// is not alphanumeric or `-_.` takes five bytes (`%25XX`).
fn encoded_len(s: &str) -> usize {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                1
            } else {
                5
            }
        })
        .sum()
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
        if let Err(e) = AppSid::from_source(&text.value) {
            errors.push(text.span, e);
        }
    }
}

/// Each key by the runtime's rule (checked one at a time so the error points at it), and no
/// key twice in one block.
pub(crate) fn check_params(kind: ScopeKind, params: &[Param], errors: &mut Errors) {
    let what = match kind {
        ScopeKind::Events => "filter",
        _ => "parameter",
    };
    // The first parameter of each key and what is wrong with the key: a block of thousands of
    // keys is checked in time linear in its length, each distinct key once.
    let mut first: HashMap<&str, (&Text, Option<crate::Error>)> = HashMap::new();
    for param in params {
        let key = &param.key;
        let (earlier, wrong) = first.entry(key.value.as_str()).or_insert_with(|| {
            let built = with_params(Policy::builder(), kind, [(key.value.as_str(), "")]).build();
            (key, built.err())
        });
        if let Some(e) = wrong {
            errors.push(key.span, &*e);
        }
        let earlier = *earlier;
        if !std::ptr::eq(earlier, key) {
            errors.push(
                key.span,
                format!(
                    "the {what} `{}` of `{kind}` is given twice; give each key at most once",
                    quote(&key.value).escape_debug()
                ),
            );
            errors.push(
                earlier.span,
                format!(
                    "the {what} `{}` is first given here",
                    quote(&key.value).escape_debug()
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

/// The policy, built by the runtime, with stand-ins for `{expr}` values.
fn build(grants: &[Grant], ttl_secs: Option<u64>) -> Result<Policy, crate::Error> {
    let mut builder = Policy::builder();
    for grant in grants {
        builder = match grant {
            Grant::Incoming(name) => builder.incoming(match name {
                Value::Lit(text) => ClientName::new(&text.value)?,
                Value::Expr(_) => placeholder_name(),
            }),
            Grant::Outgoing { app_sid, params } => builder.outgoing(
                match app_sid {
                    Value::Lit(text) => AppSid::from_source(&text.value)?,
                    Value::Expr(_) => PLACEHOLDER_SID,
                },
                pairs(params),
            ),
            Grant::Events(filters) => builder.events(pairs(filters)),
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
