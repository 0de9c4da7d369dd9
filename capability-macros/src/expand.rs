//! Generates the code of a checked invocation. Checks nothing: `valid.rs` did.
//!
//! Every path goes through `::capability::__private`, the facade's hidden re-export of the
//! runtime, so the expansion works whatever the user imported.

use capability_runtime::{Params, Policy};
use proc_macro2::{Group, Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::ast::{Body, Param, Value};
use crate::valid::Checked;

pub(crate) fn expand(checked: &Checked) -> TokenStream {
    match &checked.literal {
        Some(policy) => literal(policy),
        None => dynamic(checked),
    }
}

/// An all-literal policy: the policy the runtime built at compile time, scope claim and payload
/// prefix included, rebuilt in `const` context. Signing it only adds the issuer and expiry.
fn literal(policy: &Policy) -> TokenStream {
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
            ::capability::__private::StaticOutgoing {
                app_sid: #app_sid,
                params: #params,
                client_name: #client_name,
            }
        }
    }));
    let events = option(grants.events().map(|events| static_pairs(events.filters())));
    let ttl_secs = proc_macro2::Literal::u64_unsuffixed(policy.ttl().as_secs());
    let scope = policy.scope();
    let payload_b64 = policy.__payload_prefix_b64();
    quote! {
        const {
            ::capability::__private::Policy::__from_static(::capability::__private::StaticPolicy {
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

/// A policy with `{expr}` values: the builder calls in statement order, then the infallible
/// `__build_checked` (its rules were checked at compile time). A non-`ClientName` for `incoming`
/// or a non-`AppSid` for `outgoing` is a type error at the user's expression.
fn dynamic(checked: &Checked) -> TokenStream {
    let calls = checked.stmts.iter().filter_map(|stmt| match &stmt.body {
        Body::Incoming(name) => {
            let name = match name {
                Value::Lit(text) => {
                    let name = &text.value;
                    quote!(const { ::capability::__private::ClientName::from_static(#name) })
                }
                Value::Expr(group) => block(group),
            };
            Some(quote!(.incoming(#name)))
        }
        Body::Outgoing { app_sid, params } => {
            let app_sid = match app_sid {
                Value::Lit(text) => {
                    let sid = &text.value;
                    quote!(const { ::capability::__private::AppSid::from_static(#sid) })
                }
                Value::Expr(group) => block(group),
            };
            let params = dynamic_pairs(params);
            Some(quote!(.outgoing(#app_sid, #params)))
        }
        Body::Events(filters) => {
            let filters = dynamic_pairs(filters);
            Some(quote!(.events(#filters)))
        }
        Body::Ttl(_) => None,
    });
    let ttl = checked.ttl_secs.map(|secs| {
        let secs = proc_macro2::Literal::u64_unsuffixed(secs);
        quote!(.ttl(::capability::__private::Duration::from_secs(#secs)))
    });
    quote! {
        ::capability::__private::Policy::builder()
            #(#calls)*
            #ttl
            .__build_checked()
    }
}

/// The user's `{expr}` as a block expression. Its braces keep their place in the source but are
/// marked as the macro's, so rustc's `unused_braces` lint does not ask the user to remove braces
/// the grammar requires.
fn block(group: &Group) -> TokenStream {
    let mut block = group.clone();
    block.set_span(user_located(group));
    quote!(#block)
}

/// A span of the macro's that shows where the user's group is, so that a type error about the
/// code around the group points at the group.
fn user_located(group: &Group) -> Span {
    Span::call_site().located_at(group.span())
}

/// The pairs of a block as an array: of `&str` when all values are literals, else of
/// `(&str, String)`, each `{expr}` converted with `Into<String>` (a type error at the expression
/// when it does not convert).
fn dynamic_pairs(params: &[Param]) -> TokenStream {
    if params.is_empty() {
        return quote!(::core::iter::empty::<(&'static str, &'static str)>());
    }
    let all_literal = params.iter().all(|p| p.value.is_lit());
    let pairs = params.iter().map(|p| {
        let key = &p.key.value;
        let value = match &p.value {
            Value::Lit(text) if all_literal => {
                let value = &text.value;
                quote!(#value)
            }
            Value::Lit(text) => {
                let value = &text.value;
                quote!(::core::convert::Into::<::capability::__private::String>::into(#value))
            }
            Value::Expr(group) => {
                let block = block(group);
                quote_spanned! {user_located(group)=>
                    ::core::convert::Into::<::capability::__private::String>::into(#block)
                }
            }
        };
        quote!((#key, #value))
    });
    quote!([#(#pairs),*])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Input;
    use crate::valid::check;

    fn expand_tokens(tokens: TokenStream) -> String {
        match check(Input::parse(tokens)) {
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
                policy.__payload_prefix_b64()
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
    fn dynamic_policy_calls_the_builder_in_statement_order() {
        let out = expand_tokens(quote! {
            events;
            outgoing {sid} { Foo = "Bar", Baz = {baz} };
            incoming "Alice";
            ttl 1h30m;
        });
        let events = out.find(". events (").expect("events");
        let outgoing = out.find(". outgoing (").expect("outgoing");
        let incoming = out.find(". incoming (").expect("incoming");
        assert!(events < outgoing && outgoing < incoming, "{out}");
        assert!(
            out.contains(
                ". events (:: core :: iter :: empty :: < (& 'static str , & 'static str) > ())"
            ),
            "{out}"
        );
        assert!(out.contains(". outgoing ({ sid } , [(\"Foo\" , :: core :: convert :: Into :: < :: capability :: __private :: String > :: into (\"Bar\"))"), "{out}");
        assert!(out.contains(":: core :: convert :: Into :: < :: capability :: __private :: String > :: into ({ baz })"), "{out}");
        assert!(out.contains(". incoming (const { :: capability :: __private :: ClientName :: from_static (\"Alice\") })"), "{out}");
        assert!(
            out.contains(". ttl (:: capability :: __private :: Duration :: from_secs (5400))"),
            "{out}"
        );
        assert!(out.ends_with(". __build_checked ()"), "{out}");
    }

    #[test]
    fn literal_values_stay_str_when_a_block_has_no_expression() {
        let out = expand_tokens(quote! {
            incoming {name};
            events { Level = "error" };
        });
        assert!(
            out.contains(". events ([(\"Level\" , \"error\")])"),
            "{out}"
        );
        assert!(out.contains(". incoming ({ name })"), "{out}");
        assert!(!out.contains(". ttl"), "{out}");
    }
}
