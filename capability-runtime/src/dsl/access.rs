//! The `access_token!` grammar, and the check of a parsed Access Token policy with the
//! runtime's own rules: the same parser, the same TTL rule and the same parameter rules as
//! `capability!`, and the Access Token builder for the rest.
//!
//! Each literal is checked by its type (`Identity::new`, `Region::new`, the SID types), spanned
//! on the literal; then the policy is built with `AccessPolicy::builder()…build()`, with
//! stand-ins for `{expr}` values, and the builder's errors are spanned on what caused them.

use std::time::Duration;

use proc_macro2::{Span, TokenStream};
use syn::Error;

use super::ast::{combine, Body, Grammar, Input, Param, Rule, Slot, Stmt, Takes, Value};
use super::ttl::ttl_seconds;
use super::valid::{largest, Errors, APP_SID};
use crate::access::{
    AccessPolicy, AccessPolicyBuilder, ChatGrant, Region, SyncGrant, TaskRouterGrant, VideoGrant,
    VoiceGrant,
};
use crate::identity::Identity;
use crate::kinds::GrantKind;
use crate::sid::{AppSid, CredentialSid, RoleSid, ServiceSid, WorkerSid, WorkspaceSid};

const fn sid(what: &'static str, example: &'static str, ty: &'static str) -> Slot {
    Slot {
        what,
        example,
        ty,
        any_string: false,
    }
}

const fn text(what: &'static str, example: &'static str) -> Slot {
    Slot {
        what,
        example,
        ty: "anything `Into<String>`",
        any_string: true,
    }
}

/// An identity.
pub const IDENTITY: Slot = Slot {
    what: "an identity",
    example: "\"alice\"",
    ty: "an `Identity` or a `ClientName`",
    any_string: false,
};
/// A region code.
pub const REGION: Slot = Slot {
    what: "a region",
    example: "\"ie1\"",
    ty: "a `Region`",
    any_string: false,
};
const CREDENTIAL_SID: Slot = sid(
    "a Credential SID",
    "\"CR0123456789abcdef0123456789abcdef\"",
    "a `CredentialSid`",
);
const SERVICE_SID: Slot = sid(
    "a Service SID",
    "\"IS0123456789abcdef0123456789abcdef\"",
    "a `ServiceSid`",
);
const ROLE_SID: Slot = sid(
    "a Role SID",
    "\"RL0123456789abcdef0123456789abcdef\"",
    "a `RoleSid`",
);
const WORKSPACE_SID: Slot = sid(
    "a Workspace SID",
    "\"WS0123456789abcdef0123456789abcdef\"",
    "a `WorkspaceSid`",
);
const WORKER_SID: Slot = sid(
    "a Worker SID",
    "\"WK0123456789abcdef0123456789abcdef\"",
    "a `WorkerSid`",
);
const ENDPOINT: Slot = text("an endpoint id", "\"alice-iphone\"");
const ROOM: Slot = text("a room name or Room SID", "\"DailyStandup\"");
const ROLE: Slot = text("a role", "\"worker\"");

static VOICE: Grammar = Grammar {
    what: "field",
    within: "voice",
    rules: &[
        Rule {
            keyword: "incoming",
            takes: Takes::Nothing,
        },
        Rule {
            keyword: "outgoing",
            takes: Takes::ValueThenParams(APP_SID),
        },
        Rule {
            keyword: "push_credential",
            takes: Takes::Value(CREDENTIAL_SID),
        },
        Rule {
            keyword: "endpoint",
            takes: Takes::Value(ENDPOINT),
        },
    ],
};

static VIDEO: Grammar = Grammar {
    what: "field",
    within: "video",
    rules: &[Rule {
        keyword: "room",
        takes: Takes::Value(ROOM),
    }],
};

static CHAT: Grammar = Grammar {
    what: "field",
    within: "chat",
    rules: &[
        Rule {
            keyword: "service",
            takes: Takes::Value(SERVICE_SID),
        },
        Rule {
            keyword: "endpoint",
            takes: Takes::Value(ENDPOINT),
        },
        Rule {
            keyword: "deployment_role",
            takes: Takes::Value(ROLE_SID),
        },
        Rule {
            keyword: "push_credential",
            takes: Takes::Value(CREDENTIAL_SID),
        },
    ],
};

static SYNC: Grammar = Grammar {
    what: "field",
    within: "sync",
    rules: &[
        Rule {
            keyword: "service",
            takes: Takes::Value(SERVICE_SID),
        },
        Rule {
            keyword: "endpoint",
            takes: Takes::Value(ENDPOINT),
        },
    ],
};

static TASK_ROUTER: Grammar = Grammar {
    what: "field",
    within: "task_router",
    rules: &[
        Rule {
            keyword: "workspace",
            takes: Takes::Value(WORKSPACE_SID),
        },
        Rule {
            keyword: "worker",
            takes: Takes::Value(WORKER_SID),
        },
        Rule {
            keyword: "role",
            takes: Takes::Value(ROLE),
        },
    ],
};

/// The statements of `access_token!`.
pub static GRAMMAR: Grammar = Grammar {
    what: "statement",
    within: "",
    rules: &[
        Rule {
            keyword: "identity",
            takes: Takes::Value(IDENTITY),
        },
        Rule {
            keyword: "voice",
            takes: Takes::Block(&VOICE),
        },
        Rule {
            keyword: "video",
            takes: Takes::Block(&VIDEO),
        },
        Rule {
            keyword: "chat",
            takes: Takes::Block(&CHAT),
        },
        Rule {
            keyword: "sync",
            takes: Takes::Block(&SYNC),
        },
        Rule {
            keyword: "task_router",
            takes: Takes::Block(&TASK_ROUTER),
        },
        Rule {
            keyword: "region",
            takes: Takes::Value(REGION),
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

/// One field of a grant block: `endpoint "alice-iphone"`, `incoming`, `outgoing "AP…" { … }`.
pub struct Field {
    /// The field's keyword, which is also the name of the grant builder's method.
    pub keyword: &'static str,
    /// Its span.
    pub span: Span,
    /// Its value, if it takes one.
    pub value: Option<Value>,
    /// Its parameters (`outgoing` only).
    pub params: Vec<Param>,
}

/// A grant of a checked Access Token policy: its kind and its fields, in source order.
pub struct Grant {
    /// The kind; its [`GrantKind::name`] is the builder's method and the statement's keyword.
    pub kind: GrantKind,
    /// The fields.
    pub fields: Vec<Field>,
}

/// A checked `access_token!` policy, ready to expand.
pub struct Checked {
    /// The identity.
    pub identity: Value,
    /// The grants in source order, each at most once.
    pub grants: Vec<Grant>,
    /// The region, if given.
    pub region: Option<Value>,
    /// The `ttl` in seconds, if given.
    pub ttl_secs: Option<u64>,
    /// The path of the `capability` crate, from `crate = path;`.
    pub krate: Option<TokenStream>,
    /// The policy, built here, when every value is a literal.
    pub literal: Option<AccessPolicy>,
}

fn grant_kind(keyword: &str) -> Option<GrantKind> {
    GrantKind::ALL
        .into_iter()
        .find(|kind| kind.name() == keyword)
}

/// Checks everything; on failure, one `syn::Error` holding every mistake.
pub fn check(input: Input) -> Result<Checked, Error> {
    let Input { stmts, errors } = input;
    let syntax_ok = errors.is_empty();
    let mut errors = Errors(errors);
    let mut seen = Vec::new();
    let mut identity = None;
    let mut region = None;
    let mut ttl_secs = None;
    let mut krate = None;
    let mut grants = Vec::new();

    for stmt in stmts {
        errors.once(&mut seen, &stmt);
        let (keyword, keyword_span) = (stmt.keyword, stmt.span);
        match stmt.body {
            Body::Value(value) if keyword == "identity" => {
                if let Value::Lit(text) = &value {
                    if let Err(e) = Identity::new(&text.value) {
                        errors.push(text.span, e);
                    }
                }
                identity = Some((value, keyword_span));
            }
            Body::Value(value) => {
                if let Value::Lit(text) = &value {
                    if let Err(e) = Region::new(&text.value) {
                        errors.push(text.span, e);
                    }
                }
                region = Some(value);
            }
            Body::Ttl(lit) => match ttl_seconds(&lit) {
                Ok(secs) => ttl_secs = Some(secs),
                Err(message) => errors.push(lit.span, message),
            },
            Body::Path(path) => krate = Some(path),
            Body::Block(block) => {
                let Some(kind) = grant_kind(keyword) else {
                    continue;
                };
                let fields = check_fields(block.unwrap_or_default(), &mut errors);
                grants.push(Grant { kind, fields });
            }
            _ => {}
        }
    }

    let Some((identity, identity_span)) = identity else {
        if syntax_ok {
            errors.push(Span::call_site(), crate::Error::MissingIdentity);
        }
        return Err(combine(errors.0).unwrap_or_else(|| Error::new(Span::call_site(), "")));
    };
    if let Some(error) = combine(errors.0) {
        return Err(error);
    }

    let mut errors = Errors::default();
    let policy = match build(&identity, &grants, region.as_ref(), ttl_secs) {
        Ok(policy) => Some(policy),
        Err(e) => {
            let span = match &e {
                crate::Error::InvalidVoiceIdentity(_) => identity.span(),
                crate::Error::EmptyGrantField { grant, field } => {
                    field_span(&grants, *grant, field).unwrap_or(identity_span)
                }
                crate::Error::DuplicateParamKey { key } => grants
                    .iter()
                    .flat_map(|g| &g.fields)
                    .flat_map(|f| &f.params)
                    .filter(|p| &p.key.value == key)
                    .nth(1)
                    .map_or(identity_span, |p| p.key.span),
                crate::Error::PolicyTooLarge { .. } => largest_part(&identity, &grants),
                crate::Error::TooManyParams { max, .. } => grants
                    .iter()
                    .flat_map(|g| &g.fields)
                    .flat_map(|f| &f.params)
                    .nth(*max)
                    .map_or(identity_span, |p| p.key.span),
                _ => identity_span,
            };
            let message = match &e {
                crate::Error::PolicyTooLarge { .. } => {
                    format!("{e}\nhelp: this is the largest part of the policy")
                }
                _ => e.to_string(),
            };
            errors.push(span, message);
            None
        }
    };
    if let Some(error) = combine(errors.0) {
        return Err(error);
    }
    let all_literal = identity.is_lit()
        && region.as_ref().is_none_or(Value::is_lit)
        && grants.iter().all(|g| {
            g.fields.iter().all(|f| {
                f.value.as_ref().is_none_or(Value::is_lit)
                    && f.params.iter().all(|p| p.value.is_lit())
            })
        });
    Ok(Checked {
        identity,
        grants,
        region,
        ttl_secs,
        krate,
        literal: policy.filter(|_| all_literal),
    })
}

/// The fields of a grant block, each at most once, each literal checked by its type.
fn check_fields(stmts: Vec<Stmt>, errors: &mut Errors) -> Vec<Field> {
    let mut seen = Vec::new();
    let mut fields = Vec::new();
    for stmt in stmts {
        errors.once(&mut seen, &stmt);
        let (value, params) = match stmt.body {
            Body::Nothing => (None, Vec::new()),
            Body::Value(value) => (Some(value), Vec::new()),
            Body::ValueThenParams { value, params, .. } => (Some(value), params),
            _ => continue,
        };
        if let Some(Value::Lit(text)) = &value {
            if let Err(e) = check_literal(stmt.keyword, &text.value) {
                errors.push(text.span, e);
            }
        }
        super::valid::check_params(crate::ScopeKind::Outgoing, &params, errors);
        fields.push(Field {
            keyword: stmt.keyword,
            span: stmt.span,
            value,
            params,
        });
    }
    fields
}

/// A field's literal by the rule of its type; text fields are checked by the builder.
fn check_literal(keyword: &str, text: &str) -> Result<(), crate::Error> {
    match keyword {
        "outgoing" => AppSid::from_source(text).map(drop),
        "push_credential" => CredentialSid::from_source(text).map(drop),
        "service" => ServiceSid::from_source(text).map(drop),
        "deployment_role" => RoleSid::from_source(text).map(drop),
        "workspace" => WorkspaceSid::from_source(text).map(drop),
        "worker" => WorkerSid::from_source(text).map(drop),
        _ => Ok(()),
    }
}

/// The span of the field of `grant` that the builder named, for its errors.
fn field_span(grants: &[Grant], grant: GrantKind, field: &str) -> Option<Span> {
    let keyword = match field {
        "endpoint id" => "endpoint",
        "parameter key" => "outgoing",
        other => other,
    };
    let field = grants
        .iter()
        .filter(|g| g.kind == grant)
        .flat_map(|g| &g.fields)
        .find(|f| f.keyword == keyword)?;
    if keyword == "outgoing" {
        return field
            .params
            .iter()
            .find(|p| p.key.value.is_empty())
            .map(|p| p.key.span);
    }
    Some(field.value.as_ref().map_or(field.span, Value::span))
}

/// The literal that takes the most room in the token.
fn largest_part(identity: &Value, grants: &[Grant]) -> Span {
    let fields = grants.iter().flat_map(|g| &g.fields);
    let values = std::iter::once(identity).chain(fields.clone().filter_map(|f| f.value.as_ref()));
    largest(values, fields.flat_map(|f| &f.params), json_len)
}

/// The length of a string in the payload, as twilio-php escapes it (`\uXXXX` for non-ASCII).
fn json_len(s: &str) -> usize {
    s.chars()
        .map(|c| if c.is_ascii() { 2 } else { 6 * c.len_utf16() })
        .sum()
}

/// A valid value of each kind, standing in for `{expr}` when the policy is built here.
fn placeholder(keyword: &str) -> &'static str {
    match keyword {
        "outgoing" => "AP00000000000000000000000000000000",
        "push_credential" => "CR00000000000000000000000000000000",
        "service" => "IS00000000000000000000000000000000",
        "deployment_role" => "RL00000000000000000000000000000000",
        "workspace" => "WS00000000000000000000000000000000",
        "worker" => "WK00000000000000000000000000000000",
        "region" => "us1",
        "identity" => "placeholder",
        _ => "placeholder",
    }
}

fn text_of<'a>(value: &'a Value, keyword: &str) -> &'a str {
    match value {
        Value::Lit(text) => &text.value,
        Value::Expr(_) => placeholder(keyword),
    }
}

/// The policy, built by the runtime, with stand-ins for `{expr}` values.
fn build(
    identity: &Value,
    grants: &[Grant],
    region: Option<&Value>,
    ttl_secs: Option<u64>,
) -> Result<AccessPolicy, crate::Error> {
    let mut builder =
        AccessPolicy::builder().identity(Identity::new(text_of(identity, "identity"))?);
    if let Some(region) = region {
        builder = builder.region(Region::new(text_of(region, "region"))?);
    }
    if let Some(secs) = ttl_secs {
        builder = builder.ttl(Duration::from_secs(secs));
    }
    for grant in grants {
        builder = add_grant(builder, grant)?;
    }
    builder.build()
}

fn add_grant(
    builder: AccessPolicyBuilder,
    grant: &Grant,
) -> Result<AccessPolicyBuilder, crate::Error> {
    let value = |f: &Field| {
        f.value
            .as_ref()
            .map_or("", |v| text_of(v, f.keyword))
            .to_owned()
    };
    let pairs = |f: &Field| -> Vec<(String, String)> {
        f.params
            .iter()
            .map(|p| {
                let value = match &p.value {
                    Value::Lit(text) => text.value.clone(),
                    Value::Expr(_) => String::new(),
                };
                (p.key.value.clone(), value)
            })
            .collect()
    };
    Ok(match grant.kind {
        GrantKind::Voice => {
            let mut g = VoiceGrant::new();
            for f in &grant.fields {
                g = match f.keyword {
                    "incoming" => g.incoming(),
                    "outgoing" => g.outgoing(AppSid::from_source(&value(f))?, pairs(f)),
                    "push_credential" => g.push_credential(CredentialSid::from_source(&value(f))?),
                    _ => g.endpoint(value(f)),
                };
            }
            builder.voice(g)
        }
        GrantKind::Video => {
            let mut g = VideoGrant::new();
            for f in &grant.fields {
                g = g.room(value(f));
            }
            builder.video(g)
        }
        GrantKind::Chat => {
            let mut g = ChatGrant::new();
            for f in &grant.fields {
                g = match f.keyword {
                    "service" => g.service(ServiceSid::from_source(&value(f))?),
                    "deployment_role" => g.deployment_role(RoleSid::from_source(&value(f))?),
                    "push_credential" => g.push_credential(CredentialSid::from_source(&value(f))?),
                    _ => g.endpoint(value(f)),
                };
            }
            builder.chat(g)
        }
        GrantKind::Sync => {
            let mut g = SyncGrant::new();
            for f in &grant.fields {
                g = match f.keyword {
                    "service" => g.service(ServiceSid::from_source(&value(f))?),
                    _ => g.endpoint(value(f)),
                };
            }
            builder.sync(g)
        }
        GrantKind::TaskRouter => {
            let mut g = TaskRouterGrant::new();
            for f in &grant.fields {
                g = match f.keyword {
                    "workspace" => g.workspace(WorkspaceSid::from_source(&value(f))?),
                    "worker" => g.worker(WorkerSid::from_source(&value(f))?),
                    _ => g.role(value(f)),
                };
            }
            builder.task_router(g)
        }
        _ => builder,
    })
}
