//! Capability tokens: the tokens of Twilio Client 1.x, signed with the account's auth token, with
//! a `scope` claim that lists what the device may do.
//!
//! - [`Policy`], built with [`Policy::builder`], grants [`Grants`]: receive calls as a client name
//!   ([`ScopeKind::Incoming`]), place calls through an application ([`Outgoing`]), subscribe to
//!   the event stream ([`Events`]);
//! - the `scope` claim is one encode/decode pair (`scope.rs`, `scope/decode.rs`), the payload's
//!   layout is `wire.rs`;
//! - [`Credentials`] sign ([`Policy::sign_at`], `sign.rs`) and verify
//!   ([`Credentials::verify_at`], `verify.rs`); a [`Signer`] holds a policy prepared for one
//!   account.

pub(crate) mod grants;
pub(crate) mod policy;
pub(crate) mod scope;
pub(crate) mod template;
pub(crate) mod wire;

#[cfg(feature = "jwt")]
pub(crate) mod credentials;
#[cfg(feature = "jwt")]
pub(crate) mod sign;
#[cfg(feature = "jwt")]
mod signer;
#[cfg(feature = "jwt")]
mod verify;

pub use grants::{Events, Grants, Outgoing, MAX_OTHER_SCOPES};
pub use policy::{Policy, PolicyBuilder};

#[cfg(feature = "jwt")]
pub use credentials::Credentials;
#[cfg(feature = "jwt")]
pub use signer::Signer;
#[cfg(feature = "jwt")]
pub use verify::VerifiedToken;

/// What `inspect` shares with the verifier: the claims of a capability token, read and checked as
/// the verifier reads and checks them.
#[cfg(feature = "jwt")]
pub(crate) use verify::{check_header, read_payload, CapabilityClaims};
