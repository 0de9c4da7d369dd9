//! The runtime of [`capability`](https://docs.rs/capability): Twilio Client capability tokens,
//! signed byte-for-byte as twilio-php signs them and verified from every official library.
//!
//! - Validated types: [`AccountSid`], [`AppSid`], [`ClientName`]. Construct them with `new` (a
//!   typed [`Error`] says what is wrong) or, for literals, `from_static` in `const` context.
//! - [`Policy`]: what a token grants, built with [`Policy::builder`] (or the `capability!` macro
//!   of the `capability` crate, which checks everything at compile time).
//! - [`Credentials`]: the Account SID and auth token, keyed into HMAC-SHA256 once.
//! - [`Policy::sign_at`] gives a [`Token`]; [`Credentials::verify_at`] gives a [`VerifiedToken`].
//! - [`inspect_at`] reads a token without its key, for display, and lists the [`Problem`]s
//!   Twilio would refuse it for; it never accepts a token.
//!
//! ```
//! use std::time::Duration;
//! use capability_runtime::{AppSid, ClientName, Credentials, Policy};
//!
//! let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef")?;
//! let policy = Policy::builder()
//!     .incoming(ClientName::new("Alice")?)
//!     .outgoing(AppSid::new("AP0123456789abcdef0123456789abcdef")?, [("Foo", "Bar")])
//!     .ttl(Duration::from_secs(600))
//!     .build()?;
//!
//! let token = policy.sign_at(&credentials, 1_700_000_000);
//! let verified = credentials.verify_at(token.as_str(), 1_700_000_001)?;
//! assert_eq!(verified.grants(), policy.grants());
//! assert_eq!(verified.expires_at(), 1_700_000_600);
//! # Ok::<(), capability_runtime::Error>(())
//! ```
//!
//! # Features
//! - `jwt` (default): signing and verifying. Without it the crate is only the validated types,
//!   the policy builder and the scope encoding, with `base64` as its one dependency: what the
//!   `capability!` macro runs at compile time.
//! - `serde` (off by default): [`Token`] serializes as its text; the SIDs ([`AccountSid`],
//!   [`AppSid`], [`ApiKeySid`], …), [`ClientName`] and [`Identity`] serialize as strings and
//!   deserialize through their constructors, so a bad value is refused with the message `new`
//!   gives, naming the rule it breaks.
//! - `webhook` (off by default): the `webhook` module, which checks that a webhook request
//!   came from Twilio (`X-Twilio-Signature`, with the auth token or a SharedKey). Independent of
//!   `jwt`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The modules form layers, each using only those before it:
// - the validated values and their errors: `sid`, `client_name`, `identity`;
// - `error`, the crate's one error; `limits`, the rules every token obeys; `embedded`, the steps
//   of the `const` checks of what the macros embed;
// - `jwt`, the core both kinds of token are read and signed with;
// - the two kinds, side by side and independent: `capability`, `access`;
// - what joins them: `migrate`, `inspect`; then `dsl` and `serde_support`.
#[cfg(feature = "jwt")]
mod bytes;
mod client_name;
mod embedded;
mod error;
mod identity;
mod kinds;
mod limits;
mod params;
mod shown;
mod sid;
mod template;

#[cfg(feature = "jwt")]
mod jwt;

mod access;
mod capability;

#[cfg(feature = "jwt")]
mod inspect;
mod migrate;

#[cfg(feature = "dsl")]
mod dsl;
#[cfg(feature = "webhook")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhook")))]
pub mod webhook;

#[cfg(feature = "serde")]
mod serde_support;

pub use access::{
    AccessGrants, AccessPolicy, AccessPolicyBuilder, ChatGrant, OutgoingApplication, PlaybackGrant,
    Region, SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant,
};
pub use capability::{Events, Grants, Outgoing, Policy, PolicyBuilder, MAX_OTHER_SCOPES};
pub use client_name::ClientNameError;
pub use client_name::{ClientName, MAX_CLIENT_NAME_LEN};
pub use error::{Error, Malformed, MigrationBlocker, TokenPart};
pub use identity::IdentityError;
pub use identity::{Identity, MAX_IDENTITY_LEN};
pub use kinds::{GrantKind, ScopeKind};
pub use limits::{DEFAULT_TTL, MAX_EXP, MAX_OUTGOING_PARAMS, MAX_TOKEN_LEN, MAX_TTL, MIN_TTL};
pub use params::{Params, ParamsIter};
pub use sid::{
    AccountSid, ApiKeySid, AppSid, CredentialSid, RoleSid, RoomSid, ServiceSid, SidError, SidKind,
    SidProblem, WorkerSid, WorkspaceSid, SID_LEN,
};

#[cfg(feature = "dsl")]
pub use dsl::{Diagnostic, ParseError, MAX_DIAGNOSTICS, MAX_POLICY_LEN, MAX_QUOTE_CHARS};

#[cfg(feature = "jwt")]
pub use access::{ApiKey, VerifiedAccessToken};
#[cfg(feature = "jwt")]
pub use capability::{Credentials, Signer, VerifiedToken};
#[cfg(feature = "jwt")]
pub use inspect::{inspect, inspect_at, Inspection, LifetimeStart, Problem, TokenKind};
#[cfg(feature = "jwt")]
pub use jwt::json::{MAX_OTHER_MEMBERS, MAX_VALUES};
#[cfg(feature = "jwt")]
pub use jwt::token::Token;
pub use shown::escapes;

// A token server signs from many threads with one `Credentials` and shared policies, no locks.
#[cfg(feature = "jwt")]
const _: () = {
    const fn shared_between_threads<T: Send + Sync>() {}
    shared_between_threads::<Credentials>();
    shared_between_threads::<Policy>();
    shared_between_threads::<Signer>();
    shared_between_threads::<Token>();
    shared_between_threads::<VerifiedToken>();
    shared_between_threads::<Error>();
    shared_between_threads::<ApiKey>();
    shared_between_threads::<AccessPolicy>();
    shared_between_threads::<VerifiedAccessToken>();
};

/// Not public API: what the macros run and what they expand to. May change in any release.
#[doc(hidden)]
pub mod __private {
    /// The parser and validator the macros run.
    #[cfg(feature = "dsl")]
    pub mod dsl {
        pub use crate::dsl::{access, ast, ttl, valid};
    }

    /// What `capability!` embeds for a policy of literals: its `scope` claim and the base64url
    /// of its payload up to the issuer.
    pub fn policy_parts(policy: &Policy) -> (&str, &str) {
        (policy.scope(), policy.payload_prefix())
    }

    /// What `access_token!` embeds for a policy of literals (see `AccessPolicy`'s fields).
    pub fn access_policy_parts(policy: &AccessPolicy) -> (&str, &str, [&str; 3]) {
        policy.encoded_parts()
    }

    /// A policy of literals, computed at compile time by `capability!` with this crate's own
    /// builder and encoder, rebuilt in `const` context.
    pub const fn static_policy(p: StaticPolicy) -> Policy {
        Policy::from_static(p)
    }

    /// The same for `access_token!`: its header and claims must be the encoding of its grants,
    /// with their base64url, and it must keep the builder's rules, or it panics (a compile error
    /// in `const`).
    pub const fn static_access_policy(p: StaticAccessPolicy) -> AccessPolicy {
        AccessPolicy::from_static(p)
    }

    /// A policy with run-time values, whose literals `capability!` checked at compile time and
    /// whose values are of the validated types: built, with every rule checked again.
    ///
    /// # Panics
    /// Never for the policies `capability!` builds; a builder it did not make that breaks a
    /// rule panics with the rule's message rather than make a policy whose tokens the verifier
    /// refuses.
    pub fn checked_policy(builder: PolicyBuilder) -> Policy {
        match builder.build() {
            Ok(policy) => policy,
            Err(e) => panic!("a policy that `capability!` did not check: {e}"),
        }
    }

    pub use crate::capability::template::{
        CapabilitySpec, CapabilityTemplate, HoleValue, SpecGrant, Src, MAX_HOLES,
    };

    pub use crate::access::statics::{
        StaticAccessPolicy, StaticServiceGrant, StaticTaskRouterGrant, StaticVideoGrant,
        StaticVoiceGrant,
    };
    pub use crate::access::template::{
        AccessHoleKind, AccessHoleValue, AccessHoles, AccessSpec, AccessTemplate, MAX_ACCESS_HOLES,
    };
    pub use crate::access::{
        AccessPolicy, AccessPolicyBuilder, ChatGrant, Region, SyncGrant, TaskRouterGrant,
        VideoGrant, VoiceGrant,
    };
    pub use crate::capability::{Policy, PolicyBuilder};
    pub use crate::identity::Identity;
    pub use crate::kinds::GrantKind;
    pub use crate::sid::{CredentialSid, RoleSid, ServiceSid, WorkerSid, WorkspaceSid};
    pub use crate::{AppSid, ClientName};
    pub use core::time::Duration;
    pub use std::string::String;

    /// Evaluates a policy with run-time values. Not a `const fn`: such a policy cannot be a
    /// constant, and this is the one call rustc names when one is used as such.
    #[inline(always)]
    pub fn policy_with_run_time_values<T>(build: impl FnOnce() -> T) -> T {
        build()
    }

    /// An `outgoing` grant known at compile time.
    pub struct StaticOutgoing {
        pub app_sid: &'static str,
        pub params: &'static [(&'static str, &'static str)],
        pub client_name: Option<&'static str>,
    }

    /// A policy computed at compile time by the runtime's own builder and encoder.
    pub struct StaticPolicy {
        pub incoming: Option<&'static str>,
        pub outgoing: Option<StaticOutgoing>,
        pub events: Option<&'static [(&'static str, &'static str)]>,
        pub ttl_secs: u32,
        pub scope: &'static str,
        pub payload_b64: &'static str,
    }
}
