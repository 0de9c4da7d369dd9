//! What the macro expands to when the invocation has mistakes: the errors, and beside them a
//! stand-in `Policy` that is valid in `const` context, so that the user's code around the macro
//! (`const P: Policy = capability! { … };`, `P.sign(…)`) adds no follow-on errors.

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn expand(errors: syn::Error, krate: &TokenStream) -> TokenStream {
    let errors = errors.into_compile_error();
    // A block, so that several `compile_error!`s are statements and rustc reports only them.
    quote!({
        #errors
        #krate::__private::static_policy(#krate::__private::StaticPolicy {
            incoming: ::core::option::Option::None,
            outgoing: ::core::option::Option::None,
            events: ::core::option::Option::None,
            ttl_secs: 3600,
            scope: "",
            payload_b64: "",
        })
    })
}

/// The same for `access_token!`: the errors and a stand-in `AccessPolicy`.
pub(crate) fn expand_access(errors: syn::Error, krate: &TokenStream) -> TokenStream {
    let errors = errors.into_compile_error();
    let none = quote!(::core::option::Option::None);
    quote!({
        #errors
        #krate::__private::static_access_policy(#krate::__private::StaticAccessPolicy {
            identity: "",
            voice: #none,
            video: #none,
            chat: #none,
            sync: #none,
            task_router: #none,
            order: &[],
            ttl_secs: 3600,
            region: #none,
            not_before: #none,
            header_b64: "",
            claims_tail: "",
            claims_tail_b64: ["", "", ""],
        })
    })
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;

    #[test]
    fn every_error_then_a_constant_policy_in_one_block() {
        let mut errors = syn::Error::new(Span::call_site(), "first");
        errors.combine(syn::Error::new(Span::call_site(), "second"));
        let out = super::expand(errors, &quote::quote!(::capability)).to_string();
        assert!(out.starts_with('{') && out.ends_with('}'), "{out}");
        let first = out
            .find("compile_error ! { \"first\" }")
            .expect("first error");
        let second = out
            .find("compile_error ! { \"second\" }")
            .expect("second error");
        let policy = out
            .find(":: capability :: __private :: static_policy")
            .expect("policy");
        assert!(first < second && second < policy, "{out}");
    }
}
