//! Access Tokens: the tokens of Twilio's current client SDKs (Voice, Video, Conversations, Sync,
//! TaskRouter, Live), signed with an API key.
//!
//! - [`Identity`](crate::Identity), [`Region`] and the grants ([`VoiceGrant`], [`VideoGrant`], [`ChatGrant`],
//!   [`SyncGrant`], [`TaskRouterGrant`], [`PlaybackGrant`]) make an [`AccessPolicy`], built with
//!   [`AccessPolicy::builder`].
//! - [`ApiKey`]: the account, the API key's SID and its secret, keyed into HMAC-SHA256 once.
//! - [`AccessPolicy::sign_at`] gives a [`Token`](crate::Token) byte-identical to twilio-php's;
//!   [`ApiKey::verify_at`] gives a [`VerifiedAccessToken`].

pub(crate) mod encode;
pub(crate) mod grants;
pub(crate) mod policy;
mod region;
pub(crate) mod statics;
pub(crate) mod template;

#[cfg(feature = "jwt")]
mod api_key;
#[cfg(feature = "jwt")]
mod decode;
#[cfg(feature = "jwt")]
mod sign;
#[cfg(feature = "jwt")]
mod verify;

pub use grants::{
    AccessGrants, ChatGrant, OutgoingApplication, PlaybackGrant, SyncGrant, TaskRouterGrant,
    VideoGrant, VoiceGrant,
};
pub use policy::{AccessPolicy, AccessPolicyBuilder};
pub use region::Region;

#[cfg(feature = "jwt")]
pub use api_key::ApiKey;
#[cfg(feature = "jwt")]
pub use verify::VerifiedAccessToken;

/// What `inspect` shares with the verifier and the policy builder.
#[cfg(feature = "jwt")]
pub(crate) use {
    decode::{read_claims, AccessClaims},
    policy::check_grants,
    verify::check_header,
};
