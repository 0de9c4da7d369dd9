//! Generates the code of a checked `access_token!` invocation. Checks nothing: the validator in
//! the runtime did.

use capability_runtime::__private::dsl::access::{Checked, Field, Grant};
use capability_runtime::__private::dsl::ast::Value;
use capability_runtime::{AccessPolicy, GrantKind};
use proc_macro2::{Group, Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use capability_runtime::__private::MAX_ACCESS_HOLES;

use crate::expand::{block, krate, user_located};

pub(crate) fn expand(checked: &Checked) -> TokenStream {
    let krate = krate(checked.krate.as_ref());
    match &checked.literal {
        Some(policy) => literal(policy, &krate),
        None if templated(checked) => template(checked, &krate),
        None => dynamic(checked, &krate),
    }
}

/// Whether a policy with `{expr}` values becomes a template: its region is a literal (the
/// header is then fixed), and it has at most `MAX_ACCESS_HOLES` values besides the identity.
fn templated(checked: &Checked) -> bool {
    let values: usize = checked
        .grants
        .iter()
        .flat_map(|grant| &grant.fields)
        .map(|field| {
            usize::from(field.value.as_ref().is_some_and(|v| !v.is_lit()))
                + field.params.iter().filter(|p| !p.value.is_lit()).count()
        })
        .sum();
    checked.region.as_ref().is_none_or(Value::is_lit) && values <= MAX_ACCESS_HOLES
}

/// The kind of hole a field's `{expr}` is.
fn hole_kind(keyword: &str) -> &'static str {
    match keyword {
        "outgoing" => "App",
        "push_credential" => "Credential",
        "service" => "Service",
        "deployment_role" => "Role",
        "workspace" => "Workspace",
        "worker" => "Worker",
        _ => "Text",
    }
}

/// A policy with `{expr}` values, as a template: the kinds of its holes and the builder calls
/// as a function of their values, in a `static` that the runtime encodes on first use (one
/// call with sentinel values); each evaluation fills the holes with the values and checks what
/// depends on them (a voice identity, empty text, the size), with the builder's errors. It
/// evaluates to `Result<AccessPolicy, Error>`, as the builder's `build()`.
///
/// The user's expressions are evaluated first, in statement order, in the caller's scope; then
/// the policy is made inside one closure passed to a non-`const` function.
fn template(checked: &Checked, krate: &TokenStream) -> TokenStream {
    let p = quote!(#krate::__private);
    let mut bindings = Vec::new();
    let mut bind = |group: &Group| -> Ident {
        let name = Ident::new(
            &format!("__capability_value_{}", bindings.len()),
            Span::mixed_site().located_at(group.span()),
        );
        let block = block(group);
        bindings.push(quote!(let #name = #block;));
        name
    };
    let holes_arg = Ident::new("__capability_holes", Span::mixed_site());
    let identity_arg = Ident::new("__capability_identity", Span::mixed_site());
    let (spec_identity, identity) = match &checked.identity {
        Value::Lit(text) => {
            let text = &text.value;
            (
                quote!(::core::option::Option::Some(#text)),
                quote!(::core::option::Option::None),
            )
        }
        Value::Expr(group) => {
            let value = bind(group);
            let span = user_located(group);
            (
                quote!(::core::option::Option::None),
                quote_spanned!(span=> ::core::option::Option::Some(
                    ::core::convert::Into::<#p::Identity>::into(#value)
                )),
            )
        }
    };
    let region = checked.region.as_ref().map(|region| match region {
        Value::Lit(text) => {
            let text = &text.value;
            quote!(.region(const { #p::Region::from_static(#text) }))
        }
        // `templated` sent such a policy to `dynamic`.
        Value::Expr(_) => unreachable!("a region value in a template"),
    });
    let mut kinds = Vec::new();
    let mut values = Vec::new();
    let mut hole = |group: &Group, keyword: &str| -> TokenStream {
        let index = kinds.len();
        let kind = format_ident!("{}", hole_kind(keyword));
        let value = bind(group);
        let span = user_located(group);
        values.push(if hole_kind(keyword) == "Text" {
            quote_spanned!(span=> #p::AccessHoleValue::Text(
                ::core::convert::Into::<#p::String>::into(#value)
            ))
        } else {
            quote_spanned!(span=> #p::AccessHoleValue::#kind(#value))
        });
        kinds.push(quote!(#p::AccessHoleKind::#kind));
        let accessor = format_ident!("{}", hole_kind(keyword).to_lowercase());
        quote!(#holes_arg.#accessor(#index))
    };
    let grants: Vec<TokenStream> = checked
        .grants
        .iter()
        .map(|grant| grant_call(grant, &p, &mut hole))
        .collect();
    let ttl = checked.ttl_secs.map(|secs| {
        let secs = proc_macro2::Literal::u64_unsuffixed(secs);
        quote!(.ttl(#p::Duration::from_secs(#secs)))
    });
    let template = Ident::new("__CAPABILITY_ACCESS_TEMPLATE", Span::mixed_site());
    quote! {
        {
            #(#bindings)*
            #p::policy_with_run_time_values(move || {
                static #template: #p::AccessTemplate = #p::AccessTemplate::new(#p::AccessSpec {
                    identity: #spec_identity,
                    holes: &[#(#kinds),*],
                    build: |#identity_arg: #p::Identity, #holes_arg: &#p::AccessHoles| {
                        #p::AccessPolicy::builder()
                            .identity(#identity_arg)
                            #(#grants)*
                            #region
                            #ttl
                    },
                });
                #template.policy(#identity, [#(#values),*])
            })
        }
    }
}

fn some_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn some(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

/// An all-literal policy: what the runtime built at compile time, header and claims encoded,
/// rebuilt in `const` context.
fn literal(policy: &AccessPolicy, krate: &TokenStream) -> TokenStream {
    let p = quote!(#krate::__private);
    let grants = policy.grants();
    let identity = policy.identity().as_str();
    let voice = some(grants.voice().map(|v| {
        let incoming = v.incoming_allowed();
        let outgoing = some(v.outgoing_application().map(|o| {
            let sid = o.app_sid().as_str();
            let pairs = o.params().iter().map(|(k, v)| quote!((#k, #v)));
            quote!((#sid, &[#(#pairs),*]))
        }));
        let push = some_str(v.push_credential_sid().map(|s| s.as_str()));
        let endpoint = some_str(v.endpoint_id());
        quote!(#p::StaticVoiceGrant {
            incoming: #incoming,
            outgoing: #outgoing,
            push_credential_sid: #push,
            endpoint_id: #endpoint,
        })
    }));
    let video = some(grants.video().map(|v| {
        let room = some_str(v.room_name());
        quote!(#p::StaticVideoGrant { room: #room })
    }));
    let service =
        |service: Option<&str>, endpoint: Option<&str>, role: Option<&str>, push: Option<&str>| {
            let (service, endpoint, role, push) = (
                some_str(service),
                some_str(endpoint),
                some_str(role),
                some_str(push),
            );
            quote!(#p::StaticServiceGrant {
                service_sid: #service,
                endpoint_id: #endpoint,
                deployment_role_sid: #role,
                push_credential_sid: #push,
            })
        };
    let chat = some(grants.chat().map(|c| {
        service(
            c.service_sid().map(|s| s.as_str()),
            c.endpoint_id(),
            c.deployment_role_sid().map(|s| s.as_str()),
            c.push_credential_sid().map(|s| s.as_str()),
        )
    }));
    let sync = some(grants.sync().map(|s| {
        service(
            s.service_sid().map(|s| s.as_str()),
            s.endpoint_id(),
            s.deployment_role_sid().map(|s| s.as_str()),
            s.push_credential_sid().map(|s| s.as_str()),
        )
    }));
    let task_router = some(grants.task_router().map(|t| {
        let workspace = some_str(t.workspace_sid().map(|s| s.as_str()));
        let worker = some_str(t.worker_sid().map(|s| s.as_str()));
        let role = some_str(t.role_name());
        quote!(#p::StaticTaskRouterGrant {
            workspace_sid: #workspace,
            worker_sid: #worker,
            role: #role,
        })
    }));
    let order = grants.kinds().iter().map(|kind| {
        let variant = format_ident!("{}", format!("{kind:?}"));
        quote!(#p::GrantKind::#variant)
    });
    let ttl_secs = proc_macro2::Literal::u64_unsuffixed(policy.ttl().as_secs());
    let region = some_str(policy.region().map(|r| r.as_str()));
    let not_before = some(policy.not_before().map(|n| {
        let n = proc_macro2::Literal::u64_unsuffixed(n);
        quote!(#n)
    }));
    let (header_b64, claims_tail, [b0, b1, b2]) =
        capability_runtime::__private::access_policy_parts(policy);
    quote! {
        const {
            #p::static_access_policy(#p::StaticAccessPolicy {
                identity: #identity,
                voice: #voice,
                video: #video,
                chat: #chat,
                sync: #sync,
                task_router: #task_router,
                order: &[#(#order),*],
                ttl_secs: #ttl_secs,
                region: #region,
                not_before: #not_before,
                header_b64: #header_b64,
                claims_tail: #claims_tail,
                claims_tail_b64: [#b0, #b1, #b2],
            })
        }
    }
}

/// The SID type of a field that takes one, for literals next to `{expr}` values.
fn sid_type(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "outgoing" => "AppSid",
        "push_credential" => "CredentialSid",
        "service" => "ServiceSid",
        "deployment_role" => "RoleSid",
        "workspace" => "WorkspaceSid",
        "worker" => "WorkerSid",
        _ => return None,
    })
}

/// A policy with `{expr}` values: the expressions evaluated first, in statement order, in the
/// caller's scope; then the builder calls inside one closure passed to a non-`const` function.
/// An identity's voice rule and the size depend on the values: it ends with `build()`, and
/// evaluates to `Result<AccessPolicy, Error>`.
fn dynamic(checked: &Checked, krate: &TokenStream) -> TokenStream {
    let p = quote!(#krate::__private);
    let mut bindings = Vec::new();
    let mut bind = |group: &Group| -> TokenStream {
        let name = Ident::new(
            &format!("__capability_value_{}", bindings.len()),
            Span::mixed_site().located_at(group.span()),
        );
        let block = block(group);
        bindings.push(quote!(let #name = #block;));
        quote_spanned!(user_located(group)=> #name)
    };
    let identity = match &checked.identity {
        Value::Lit(text) => {
            let text = &text.value;
            quote!(const { #p::Identity::from_static(#text) })
        }
        Value::Expr(group) => bind(group),
    };
    let region = checked.region.as_ref().map(|region| {
        let region = match region {
            Value::Lit(text) => {
                let text = &text.value;
                quote!(const { #p::Region::from_static(#text) })
            }
            Value::Expr(group) => bind(group),
        };
        quote!(.region(#region))
    });
    let grants: Vec<TokenStream> = checked
        .grants
        .iter()
        .map(|grant| grant_call(grant, &p, &mut |group, _| bind(group)))
        .collect();
    let ttl = checked.ttl_secs.map(|secs| {
        let secs = proc_macro2::Literal::u64_unsuffixed(secs);
        quote!(.ttl(#p::Duration::from_secs(#secs)))
    });
    quote! {
        {
            #(#bindings)*
            #p::policy_with_run_time_values(move || {
                #p::AccessPolicy::builder()
                    .identity(#identity)
                    #(#grants)*
                    #region
                    #ttl
                    .build()
            })
        }
    }
}

/// The builder call of a grant, each `{expr}` replaced by `bind(group, keyword)` (`"param"` for
/// a parameter's value): the user's value, or in a template the hole that stands for it.
fn grant_call(
    grant: &Grant,
    p: &TokenStream,
    bind: &mut impl FnMut(&Group, &str) -> TokenStream,
) -> TokenStream {
    let (method, ty) = match grant.kind {
        GrantKind::Voice => ("voice", "VoiceGrant"),
        GrantKind::Video => ("video", "VideoGrant"),
        GrantKind::Chat => ("chat", "ChatGrant"),
        GrantKind::Sync => ("sync", "SyncGrant"),
        _ => ("task_router", "TaskRouterGrant"),
    };
    let (method, ty) = (format_ident!("{method}"), format_ident!("{ty}"));
    let fields: Vec<TokenStream> = grant
        .fields
        .iter()
        .map(|field| field_call(field, p, bind))
        .collect();
    quote!(.#method(#p::#ty::new() #(#fields)*))
}

fn field_call(
    field: &Field,
    p: &TokenStream,
    bind: &mut impl FnMut(&Group, &str) -> TokenStream,
) -> TokenStream {
    let method = format_ident!("{}", field.keyword);
    let Some(value) = &field.value else {
        return quote!(.#method());
    };
    let value = match (value, sid_type(field.keyword)) {
        (Value::Lit(text), Some(ty)) => {
            let ty = format_ident!("{ty}");
            let text = &text.value;
            quote!(const { #p::#ty::from_static(#text) })
        }
        (Value::Lit(text), None) => {
            let text = &text.value;
            quote!(#text)
        }
        (Value::Expr(group), _) => bind(group, field.keyword),
    };
    if field.keyword != "outgoing" {
        return quote!(.#method(#value));
    }
    let pairs: Vec<TokenStream> = field
        .params
        .iter()
        .map(|param| {
            let key = &param.key.value;
            let value = match &param.value {
                Value::Lit(text) => {
                    let text = &text.value;
                    quote!(::core::convert::Into::<#p::String>::into(#text))
                }
                Value::Expr(group) => {
                    let value = bind(group, "param");
                    quote_spanned! {user_located(group)=>
                        ::core::convert::Into::<#p::String>::into(#value)
                    }
                }
            };
            quote!((#key, #value))
        })
        .collect();
    if pairs.is_empty() {
        quote!(.outgoing(#value, ::core::iter::empty::<(&'static str, &'static str)>()))
    } else {
        quote!(.outgoing(#value, [#(#pairs),*]))
    }
}
