// The expansion names the runtime through `::capability::__private`, so it works whatever the
// caller imported, or didn't.
#![no_implicit_prelude]

mod no_imports {
    pub const P: ::capability::Policy = ::capability::capability! { incoming "Alice" };
}

mod renamed {
    use ::capability::capability as grant;
    pub const P: ::capability::Policy = grant! { incoming "Alice" };
}

mod glob {
    use ::capability::*;
    pub const P: Policy = capability! { incoming "Alice" };
}

mod shadowing {
    // Local items named like the runtime's do not capture the expansion's paths.
    #[allow(dead_code)]
    struct Policy;
    #[allow(dead_code)]
    struct String;
    #[allow(dead_code)]
    mod core {}
    pub fn p(
        name: ::capability::ClientName,
    ) -> ::core::result::Result<::capability::Policy, ::capability::Error> {
        ::capability::capability! { incoming {name}; events { Level = "x", By = {"me"} } }
    }
}

macro_rules! policy_for {
    ($name:literal) => {
        ::capability::capability! { incoming $name; ttl 5m }
    };
}

fn main() {
    let expected = "scope:client:incoming?clientName=Alice";
    ::std::assert_eq!(no_imports::P.scope(), expected);
    ::std::assert_eq!(renamed::P.scope(), expected);
    ::std::assert_eq!(glob::P.scope(), expected);
    ::std::assert_eq!(policy_for!("Alice").scope(), expected);
    let name = ::capability::ClientName::from_static("Alice");
    ::std::assert!(shadowing::p(name).unwrap().scope().starts_with(expected));
}
