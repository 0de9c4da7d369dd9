//! Generates the code of a checked invocation. Checks nothing: the validator did.
//!
//! Every path goes through `<crate>::__private`, the facade's hidden re-export of the runtime,
//! where `<crate>` is `::capability` or the path of a `crate = path;` statement, so the
//! expansion works whatever the user imported and however the dependency is named.

use capability_runtime::__private::dsl::ast::{Param, Value};
use capability_runtime::__private::dsl::valid::{Checked, Grant};
use capability_runtime::__private::MAX_HOLES;
use capability_runtime::{Params, Policy};
use proc_macro2::{Group, Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

/// The path of the facade crate: `::capability` unless the invocation says otherwise.
pub(crate) fn krate(path: Option<&TokenStream>) -> TokenStream {
    path.cloned().unwrap_or_else(|| quote!(::capability))
}

pub(crate) fn expand(checked: &Checked) -> TokenStream {
    let krate = krate(checked.krate.as_ref());
    match &checked.literal {
        Some(policy) => literal(policy, &krate),
        None if holes(checked) <= MAX_HOLES => template(checked, &krate),
        None => dynamic(checked, &krate),
    }
}

/// The number of `{expr}` values.
fn holes(checked: &Checked) -> usize {
    let params = |params: &[Param]| params.iter().filter(|p| !p.value.is_lit()).count();
    checked
        .grants
        .iter()
        .map(|grant| match grant {
            Grant::Incoming(name) => usize::from(!name.is_lit()),
            Grant::Outgoing { app_sid, params: p } => usize::from(!app_sid.is_lit()) + params(p),
            Grant::Events(filters) => params(filters),
        })
        .sum()
}

/// A policy with `{expr}` values, as a template: the spec of the policy, every literal and the
/// index of each hole, in a `static` that the runtime encodes on first use; each evaluation
/// fills the holes with the values, which the validated types guarantee, and checks nothing
/// else but the size when a parameter value is among them (its length is known only then).
///
/// The user's expressions are evaluated first, in statement order, in the caller's scope (so `?`
/// and `.await` work in them); then the policy is made inside one closure passed to a
/// non-`const` function, so that using it in a `const` or `static` is one error, which names
/// that function. A non-`ClientName` for `incoming` or a non-`AppSid` for `outgoing` is a type
/// error at the user's expression.
fn template(checked: &Checked, krate: &TokenStream) -> TokenStream {
    let p = quote!(#krate::__private);
    let mut bindings = Vec::new();
    let mut values = Vec::new();
    let mut hole = |group: &Group, value: &dyn Fn(Span, Ident) -> TokenStream| {
        let index = bindings.len();
        let name = Ident::new(
            &format!("__capability_value_{index}"),
            Span::mixed_site().located_at(group.span()),
        );
        let block = block(group);
        bindings.push(quote!(let #name = #block;));
        values.push(value(user_located(group), name));
        quote!(#p::Src::Hole(#index))
    };
    let name_value = |span: Span, v: Ident| quote_spanned!(span=> #p::HoleValue::Name(#v));
    let sid_value = |span: Span, v: Ident| quote_spanned!(span=> #p::HoleValue::Sid(#v));
    let text_value = |span: Span, v: Ident| quote_spanned!(span=> #p::HoleValue::Text(::core::convert::Into::<#p::String>::into(#v)));
    let mut src = |value: &Value, wrap: &dyn Fn(Span, Ident) -> TokenStream| match value {
        Value::Lit(text) => {
            let text = &text.value;
            quote!(#p::Src::Lit(#text))
        }
        Value::Expr(group) => hole(group, wrap),
    };
    let grants: Vec<TokenStream> = checked
        .grants
        .iter()
        .map(|grant| match grant {
            Grant::Incoming(name) => {
                let name = src(name, &name_value);
                quote!(#p::SpecGrant::Incoming(#name))
            }
            Grant::Outgoing { app_sid, params } => {
                let app_sid = src(app_sid, &sid_value);
                let params = params.iter().map(|param| {
                    let key = &param.key.value;
                    let value = src(&param.value, &text_value);
                    quote!((#key, #value))
                });
                let params: Vec<TokenStream> = params.collect();
                quote!(#p::SpecGrant::Outgoing { app_sid: #app_sid, params: &[#(#params),*] })
            }
            Grant::Events(filters) => {
                let filters: Vec<TokenStream> = filters
                    .iter()
                    .map(|param| {
                        let key = &param.key.value;
                        let value = src(&param.value, &text_value);
                        quote!((#key, #value))
                    })
                    .collect();
                quote!(#p::SpecGrant::Events(&[#(#filters),*]))
            }
        })
        .collect();
    let ttl_secs = proc_macro2::Literal::u64_unsuffixed(
        checked
            .ttl_secs
            .unwrap_or(capability_runtime::DEFAULT_TTL.as_secs()),
    );
    let fill = if checked.fallible {
        quote!(checked_policy)
    } else {
        quote!(policy)
    };
    let template = Ident::new("__CAPABILITY_TEMPLATE", Span::mixed_site());
    quote! {
        {
            #(#bindings)*
            #p::policy_with_run_time_values(move || {
                static #template: #p::CapabilityTemplate =
                    #p::CapabilityTemplate::new(#p::CapabilitySpec {
                        grants: &[#(#grants),*],
                        ttl_secs: #ttl_secs,
                    });
                #template.#fill([#(#values),*])
            })
        }
    }
}

/// An all-literal policy: the policy the runtime built at compile time, scope claim and payload
/// prefix included, rebuilt in `const` context. Signing it only adds the issuer and expiry.
fn literal(policy: &Policy, krate: &TokenStream) -> TokenStream {
    let grants = policy.grants();
    let incoming = option(grants.incoming().map(|name| {
        let name = name.as_str();
        quote!(#name)
    }));
    let outgoing = option(grants.outgoing().map(|outgoing| {
        let app_sid = outgoing.app_sid().as_str();
        let params = static_pairs(outgoing.params());
        let client_name = option(outgoing.client_name().map(|name| {
            let name = name.as_str();
            quote!(#name)
        }));
        quote! {
            #krate::__private::StaticOutgoing {
                app_sid: #app_sid,
                params: #params,
                client_name: #client_name,
            }
        }
    }));
    let events = option(grants.events().map(|events| static_pairs(events.filters())));
    let ttl_secs = proc_macro2::Literal::u64_unsuffixed(policy.ttl().as_secs());
    let scope = policy.scope();
    let payload_b64 = capability_runtime::__private::policy_parts(policy).1;
    quote! {
        const {
            #krate::__private::static_policy(#krate::__private::StaticPolicy {
                incoming: #incoming,
                outgoing: #outgoing,
                events: #events,
                ttl_secs: #ttl_secs,
                scope: #scope,
                payload_b64: #payload_b64,
            })
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn static_pairs(params: &Params) -> TokenStream {
    let pairs = params.iter().map(|(key, value)| quote!((#key, #value)));
    quote!(&[#(#pairs),*])
}

/// A policy with more `{expr}` values than a template holds. The user's expressions are evaluated first, in statement
/// order, in the caller's scope (so `?` and `.await` work in them); then the builder calls run
/// inside one closure passed to a non-`const` function, so that using the policy in a `const`
/// or `static` is one error, which names that function.
///
/// With an `{expr}` parameter value, the size of the policy is known only at run time: the
/// expansion ends with `build()` and evaluates to `Result<Policy, Error>`. Otherwise every rule,
/// the size limit included, was checked at compile time for any value of the types (a
/// `ClientName` of the longest length stood in), and `checked_policy` ends it.
/// A non-`ClientName` for `incoming` or a non-`AppSid` for `outgoing` is a type error at the
/// user's expression.
fn dynamic(checked: &Checked, krate: &TokenStream) -> TokenStream {
    let mut bindings = Vec::new();
    let mut bind = |group: &Group| {
        let name = Ident::new(
            &format!("__capability_value_{}", bindings.len()),
            Span::mixed_site().located_at(group.span()),
        );
        let block = block(group);
        bindings.push(quote!(let #name = #block;));
        name
    };
    let calls: Vec<TokenStream> = checked
        .grants
        .iter()
        .map(|grant| match grant {
            Grant::Incoming(name) => {
                let name = match name {
                    Value::Lit(text) => {
                        let name = &text.value;
                        quote!(const { #krate::__private::ClientName::from_static(#name) })
                    }
                    Value::Expr(group) => {
                        let value = bind(group);
                        quote_spanned!(user_located(group)=> #value)
                    }
                };
                quote!(.incoming(#name))
            }
            Grant::Outgoing { app_sid, params } => {
                let app_sid = match app_sid {
                    Value::Lit(text) => {
                        let sid = &text.value;
                        quote!(const { #krate::__private::AppSid::from_static(#sid) })
                    }
                    Value::Expr(group) => {
                        let value = bind(group);
                        quote_spanned!(user_located(group)=> #value)
                    }
                };
                let params = dynamic_pairs(params, krate, &mut bind);
                quote!(.outgoing(#app_sid, #params))
            }
            Grant::Events(filters) => {
                let filters = dynamic_pairs(filters, krate, &mut bind);
                quote!(.events(#filters))
            }
        })
        .collect();
    let ttl = checked.ttl_secs.map(|secs| {
        let secs = proc_macro2::Literal::u64_unsuffixed(secs);
        quote!(.ttl(#krate::__private::Duration::from_secs(#secs)))
    });
    let builder = quote! {
        #krate::__private::Policy::builder()
            #(#calls)*
            #ttl
    };
    let build = if checked.fallible {
        quote!(#builder.build())
    } else {
        quote!(#krate::__private::checked_policy(#builder))
    };
    quote! {
        {
            #(#bindings)*
            #krate::__private::policy_with_run_time_values(move || #build)
        }
    }
}

/// The user's `{expr}` as a block expression. Its braces keep their place in the source but are
/// marked as the macro's, so rustc's `unused_braces` lint does not ask the user to remove braces
/// the grammar requires.
pub(crate) fn block(group: &Group) -> TokenStream {
    let mut block = group.clone();
    block.set_span(user_located(group));
    quote!(#block)
}

/// A span of the macro's that shows where the user's group is, so that a type error about the
/// code around the group points at the group.
pub(crate) fn user_located(group: &Group) -> Span {
    Span::call_site().located_at(group.span())
}

/// The pairs of a block as an array: of `&str` when all values are literals, else of
/// `(&str, String)`, each `{expr}` (bound by `bind`) converted with `Into<String>` (a type error
/// at the expression when it does not convert).
fn dynamic_pairs(
    params: &[Param],
    krate: &TokenStream,
    bind: &mut impl FnMut(&Group) -> Ident,
) -> TokenStream {
    if params.is_empty() {
        return quote!(::core::iter::empty::<(&'static str, &'static str)>());
    }
    let all_literal = params.iter().all(|p| p.value.is_lit());
    let pairs: Vec<TokenStream> = params
        .iter()
        .map(|p| {
            let key = &p.key.value;
            let value = match &p.value {
                Value::Lit(text) if all_literal => {
                    let value = &text.value;
                    quote!(#value)
                }
                Value::Lit(text) => {
                    let value = &text.value;
                    quote!(::core::convert::Into::<#krate::__private::String>::into(#value))
                }
                Value::Expr(group) => {
                    let value = bind(group);
                    quote_spanned! {user_located(group)=>
                        ::core::convert::Into::<#krate::__private::String>::into(#value)
                    }
                }
            };
            quote!((#key, #value))
        })
        .collect();
    quote!([#(#pairs),*])
}

#[cfg(test)]
mod tests {
    use super::*;
    use capability_runtime::__private::dsl::ast::Input;
    use capability_runtime::__private::dsl::valid::{check, GRAMMAR};

    fn expand_tokens(tokens: TokenStream) -> String {
        match check(Input::parse(tokens, &GRAMMAR)) {
            Ok(checked) => expand(&checked).to_string(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn literal_policy_embeds_what_the_runtime_computed() {
        let out = expand_tokens(quote! {
            incoming "Alice";
            outgoing "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" { Foo = "Bar" };
            ttl 10m;
        });
        let policy = Policy::builder()
            .incoming(capability_runtime::ClientName::from_static("Alice"))
            .outgoing(
                capability_runtime::AppSid::from_static("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
                [("Foo", "Bar")],
            )
            .ttl(std::time::Duration::from_secs(600))
            .build()
            .unwrap();
        assert!(out.starts_with("const {"), "{out}");
        assert!(
            out.contains(&format!("scope : {:?}", policy.scope())),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "payload_b64 : {:?}",
                capability_runtime::__private::policy_parts(&policy).1
            )),
            "{out}"
        );
        assert!(out.contains("ttl_secs : 600"), "{out}");
        assert!(
            out.contains("incoming : :: core :: option :: Option :: Some (\"Alice\")"),
            "{out}"
        );
        assert!(out.contains("params : & [(\"Foo\" , \"Bar\")]"), "{out}");
        assert!(
            out.contains("client_name : :: core :: option :: Option :: Some (\"Alice\")"),
            "{out}"
        );
        assert!(
            out.contains("events : :: core :: option :: Option :: None"),
            "{out}"
        );
        assert!(!out.contains("builder"), "{out}");
    }

    #[test]
    fn a_policy_with_values_is_a_template_filled_in_statement_order() {
        let out = expand_tokens(quote! {
            events;
            outgoing {sid} { Foo = "Bar", Baz = {baz} };
            incoming {name};
            ttl 1h30m;
        });
        // The expressions first, in statement order, outside the closure.
        let sid = out
            .find("let __capability_value_0 = { sid } ;")
            .expect("sid");
        let baz = out
            .find("let __capability_value_1 = { baz } ;")
            .expect("baz");
        let name = out
            .find("let __capability_value_2 = { name } ;")
            .expect("name");
        let closure = out
            .find(":: capability :: __private :: policy_with_run_time_values (move ||")
            .expect("closure");
        assert!(sid < baz && baz < name && name < closure, "{out}");
        // The spec: every literal, and the index of each hole, grants in statement order.
        let spec = out.find("CapabilitySpec { grants : & [").expect("spec");
        let events = out
            .find(":: capability :: __private :: SpecGrant :: Events (& [])")
            .expect("events");
        let outgoing = out
            .find("SpecGrant :: Outgoing { app_sid : :: capability :: __private :: Src :: Hole (0usize) , params : & [(\"Foo\" , :: capability :: __private :: Src :: Lit (\"Bar\")) , (\"Baz\" , :: capability :: __private :: Src :: Hole (1usize))] }")
            .expect("outgoing");
        let incoming = out
            .find("SpecGrant :: Incoming (:: capability :: __private :: Src :: Hole (2usize))")
            .expect("incoming");
        assert!(
            closure < spec && spec < events && events < outgoing && outgoing < incoming,
            "{out}"
        );
        assert!(out.contains("ttl_secs : 5400"), "{out}");
        // The values, by index, each of its type.
        assert!(out.contains(". checked_policy ([:: capability :: __private :: HoleValue :: Sid (__capability_value_0) , :: capability :: __private :: HoleValue :: Text (:: core :: convert :: Into :: < :: capability :: __private :: String > :: into (__capability_value_1)) , :: capability :: __private :: HoleValue :: Name (__capability_value_2)])"), "{out}");
        assert!(!out.contains("builder"), "{out}");
    }

    #[test]
    fn without_a_parameter_value_the_size_was_proven_at_compile_time() {
        let out = expand_tokens(quote! {
            incoming {name};
            events { Level = "error" };
        });
        assert!(
            out.contains("SpecGrant :: Events (& [(\"Level\" , :: capability :: __private :: Src :: Lit (\"error\"))])"),
            "{out}"
        );
        // The default TTL, spelled out.
        assert!(out.contains("ttl_secs : 3600"), "{out}");
        assert!(
            out.contains(". policy ([:: capability :: __private :: HoleValue :: Name (__capability_value_0)])"),
            "{out}"
        );
    }

    #[test]
    fn more_values_than_a_template_holds_go_through_the_builder() {
        let keys: Vec<Ident> = (0..=MAX_HOLES)
            .map(|i| Ident::new(&format!("K{i}"), Span::call_site()))
            .collect();
        let out = expand_tokens(quote! { events { #(#keys = {v}),* } });
        assert!(!out.contains("CapabilityTemplate"), "{out}");
        assert!(
            out.contains(":: capability :: __private :: Policy :: builder ()"),
            "{out}"
        );
        assert!(out.ends_with(". build ()) }"), "{out}");
    }

    #[test]
    fn a_crate_statement_replaces_the_path() {
        let out = expand_tokens(quote! { crate = ::cap; incoming {name} });
        assert!(
            out.contains(":: cap :: __private :: policy_with_run_time_values"),
            "{out}"
        );
        assert!(!out.contains(":: capability ::"), "{out}");
        let out = expand_tokens(quote! { crate = ::cap; incoming "Alice" });
        assert!(
            out.contains(":: cap :: __private :: static_policy"),
            "{out}"
        );
    }
}
