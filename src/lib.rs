//! Twilio Client capability tokens, declared in source and checked by the compiler, signed fast
//! and byte-identical to twilio-php.
//!
//! Declare a token policy with the [`capability!`] macro. A malformed Application SID, an invalid
//! client name, a bad TTL or a grammar mistake is a compile error that points at the offending
//! token and says how to fix it; a policy of literals is encoded at compile time, so signing only
//! adds the issuer and expiry and computes the HMAC.
//!
//! ```
//! use capability::{capability, Credentials, Policy};
//!
//! const SUPPORT_DESK: Policy = capability! {
//!     incoming "Alice";
//!     outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar", "Queue-Name" = "support desk" };
//!     events { Level = "error" };
//!     ttl 10m;
//! };
//!
//! let credentials = Credentials::new(
//!     "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
//!     "0123456789abcdef0123456789abcdef",
//! )?;
//! let token = SUPPORT_DESK.sign_at(&credentials, 1_700_000_000);
//!
//! let verified = credentials.verify_at(token.as_str(), 1_700_000_001)?;
//! assert_eq!(verified.grants(), SUPPORT_DESK.grants());
//! assert_eq!(verified.grants().incoming().unwrap(), "Alice");
//! assert_eq!(verified.expires_at(), 1_700_000_600);
//! # Ok::<(), capability::Error>(())
//! ```
//!
//! Values known only at run time go in braces: a [`ClientName`] for `incoming`, an [`AppSid`]
//! for `outgoing`, anything `Into<String>` for a parameter. Their types prove they were
//! validated; the rest of the policy is still checked at compile time.
//!
//! ```
//! use capability::{capability, AppSid, ClientName, Credentials};
//!
//! # fn main() -> Result<(), capability::Error> {
//! let user = ClientName::new("bob_42")?; // from a request: validated at run time
//! let app_sid: AppSid = "AP0123456789abcdef0123456789abcdef".parse()?;
//! let queue = String::from("billing");
//!
//! let policy = capability! {
//!     incoming {user};
//!     outgoing {app_sid} { Queue = {queue} };
//!     ttl 1h30m;
//! }?; // a run-time parameter can be of any length: `Err` if the tokens would be too long
//! let credentials = Credentials::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "secret")?;
//! let token = policy.sign_at(&credentials, 1_700_000_000);
//! assert_eq!(token.expires_at(), 1_700_005_400);
//! # Ok(())
//! # }
//! ```
//!
//! Everything else is the runtime, re-exported from `capability-runtime`: the validated types
//! [`AccountSid`], [`AppSid`], [`ClientName`]; the run-time [`Policy::builder`], which gives the
//! same bytes as the macro for the same policy; [`Credentials`] to sign and verify; [`Token`],
//! [`VerifiedToken`], [`Grants`] and the one [`Error`] type.
//!
//! # Features
//! - `serde` (off by default): [`Token`] serializes as its text, so it can sit in a
//!   `#[derive(Serialize)]` response; the SIDs ([`AccountSid`], [`AppSid`], [`ApiKeySid`], …),
//!   [`ClientName`] and [`Identity`] serialize as strings and deserialize through their
//!   constructors, so a bad value in a config file or a request is refused with the message `new`
//!   gives, naming the rule it breaks.
//! - `dsl` (off by default): policies parsed from text at run time, in the grammar of the macros
//!   and with their messages (`"…".parse::<Policy>()`, `ParseError`; with `serde`, `Deserialize`
//!   for [`Policy`] and [`AccessPolicy`]). It compiles syn and annotate-snippets into the
//!   application; without it, only the macros use them, at compile time.
//! - `webhook` (off by default): `capability::webhook`, which checks that a webhook request came
//!   from Twilio (`X-Twilio-Signature`, with the auth token, its secondary, or a SharedKey). The
//!   `capability-tower` crate puts it in front of a tower or axum service. See `docs/webhooks.md`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets the macro's `::capability::…` paths resolve inside this crate too.
extern crate self as capability;

pub use capability_runtime::*;

pub use capability_macros::{access_token, capability};

/// The examples of `README.md`, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The examples of `docs/grammar.md`, compiled and run as doctests.
#[doc = include_str!("../docs/grammar.md")]
#[cfg(doctest)]
pub struct GrammarDoctests;

/// The examples of `docs/library.md`, compiled and run as doctests.
#[doc = include_str!("../docs/library.md")]
#[cfg(doctest)]
pub struct LibraryDoctests;

/// The examples of `docs/token-server.md`, compiled and run as doctests.
#[doc = include_str!("../docs/token-server.md")]
#[cfg(doctest)]
pub struct TokenServerDoctests;

/// Not public API: the paths the macros expand to. May change in any release.
#[doc(hidden)]
pub mod __private {
    pub use capability_runtime::__private::{
        checked_policy, policy_with_run_time_values, static_access_policy, static_policy,
        AccessHoleKind, AccessHoleValue, AccessHoles, AccessPolicy, AccessPolicyBuilder,
        AccessSpec, AccessTemplate, AppSid, CapabilitySpec, CapabilityTemplate, ChatGrant,
        ClientName, CredentialSid, Duration, GrantKind, HoleValue, Identity, Policy, PolicyBuilder,
        Region, RoleSid, ServiceSid, SpecGrant, Src, StaticAccessPolicy, StaticOutgoing,
        StaticPolicy, StaticServiceGrant, StaticTaskRouterGrant, StaticVideoGrant,
        StaticVoiceGrant, String, SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant, WorkerSid,
        WorkspaceSid,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_works_inside_the_facade() {
        const P: Policy = capability! { incoming "Alice" };
        assert_eq!(P.scope(), "scope:client:incoming?clientName=Alice");
    }
}
