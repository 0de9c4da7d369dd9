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

mod access;
mod client_name;
#[cfg(feature = "dsl")]
mod dsl;
mod error;
mod grants;
mod policy;
mod scope;
mod sid;
mod wire;

#[cfg(feature = "webhook")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhook")))]
pub mod webhook;

#[cfg(feature = "serde")]
mod serde_support;

#[cfg(feature = "jwt")]
mod base64url;
#[cfg(feature = "jwt")]
mod credentials;
#[cfg(feature = "jwt")]
mod inspect;
#[cfg(feature = "jwt")]
mod json;
#[cfg(feature = "jwt")]
mod mac;
#[cfg(feature = "jwt")]
mod signer;
#[cfg(feature = "jwt")]
mod token;
#[cfg(feature = "jwt")]
mod verify;

pub use access::{
    AccessGrants, AccessPolicy, AccessPolicyBuilder, ChatGrant, GrantKind, Identity,
    OutgoingApplication, PlaybackGrant, Region, SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant,
    MAX_IDENTITY_LEN,
};
pub use client_name::{ClientName, MAX_CLIENT_NAME_LEN};
pub use error::{
    ClientNameError, Error, IdentityError, Malformed, MigrationBlocker, SidError, SidProblem,
    TokenPart,
};
pub use grants::{Events, Grants, Outgoing, Params, ParamsIter, ScopeKind, MAX_OTHER_SCOPES};
pub use policy::{Policy, PolicyBuilder, DEFAULT_TTL, MAX_TOKEN_LEN, MAX_TTL, MIN_TTL};
pub use sid::{
    AccountSid, ApiKeySid, AppSid, CredentialSid, RoleSid, RoomSid, ServiceSid, SidKind, WorkerSid,
    WorkspaceSid, SID_LEN,
};
pub use wire::MAX_EXP;

#[cfg(feature = "dsl")]
pub use dsl::{Diagnostic, ParseError, MAX_POLICY_LEN};

#[cfg(feature = "jwt")]
pub use access::{AccessSigner, ApiKey, VerifiedAccessToken};
#[cfg(feature = "jwt")]
pub use credentials::Credentials;
#[cfg(feature = "jwt")]
pub use inspect::{inspect, inspect_at, Inspection, LifetimeStart, Problem, TokenKind};
#[cfg(feature = "jwt")]
pub use json::MAX_OTHER_MEMBERS;
#[cfg(feature = "jwt")]
pub use signer::Signer;
#[cfg(feature = "jwt")]
pub use token::Token;
#[cfg(feature = "jwt")]
pub use verify::VerifiedToken;

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
    shared_between_threads::<AccessSigner>();
    shared_between_threads::<VerifiedAccessToken>();
};

/// Not public API: the parser and validator the macros run. May change in any release.
#[cfg(feature = "dsl")]
#[doc(hidden)]
pub mod __dsl {
    pub use crate::dsl::{access, ast, ttl, valid};
}

/// Not public API: what the `capability!` macro expands to. May change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::access::statics::{
        StaticAccessPolicy, StaticServiceGrant, StaticTaskRouterGrant, StaticVideoGrant,
        StaticVoiceGrant,
    };
    pub use crate::access::{
        AccessPolicy, AccessPolicyBuilder, ChatGrant, GrantKind, Identity, Region, SyncGrant,
        TaskRouterGrant, VideoGrant, VoiceGrant,
    };
    pub use crate::policy::{Policy, PolicyBuilder};
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
