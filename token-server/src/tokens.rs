//! The token policies, declared with the macros, and the two endpoints that sign them.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use capability::{
    access_token, capability, AccessPolicy, AppSid, ClientName, Identity, Policy, Token,
};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::caller::Caller;
use crate::error::ApiError;
use crate::keys::Keys;

/// The TwiML application that handles the calls a device places. A made-up SID: replace it with
/// your own application's (Twilio console, TwiML Apps).
pub const TWIML_APP: AppSid = AppSid::from_static("AP0123456789abcdef0123456789abcdef");

/// What a capability token grants the caller: receive calls as their client name, and place
/// calls through [`TWIML_APP`] (as `client:<name>`), for an hour.
///
/// Everything but the name is checked at compile time; the name is a [`ClientName`], so the
/// caller has already validated it and the policy cannot fail. The macro compiles the policy to
/// a template: each call only fills in the name.
///
/// ```
/// use capability::ClientName;
/// use capability_token_server::capability_policy;
///
/// let policy = capability_policy(ClientName::new("alice")?);
/// assert_eq!(policy.grants().incoming().map(|n| n.as_str()), Some("alice"));
/// # Ok::<(), capability::Error>(())
/// ```
pub fn capability_policy(user: ClientName) -> Policy {
    capability! {
        incoming {user};
        outgoing {TWIML_APP};
        ttl 1h;
    }
}

/// What an Access Token grants the caller: Voice (receive calls, and place them through
/// [`TWIML_APP`]) and Video (any room), for an hour.
///
/// # Errors
/// The `voice` grant needs an identity that is also a valid client name (Twilio's rule for
/// voice): [`capability::Error::InvalidVoiceIdentity`] otherwise.
///
/// ```
/// use capability::Identity;
/// use capability_token_server::access_policy;
///
/// assert!(access_policy(Identity::new("alice")?).is_ok());
/// assert!(access_policy(Identity::new("alice@example.com")?).is_err());
/// # Ok::<(), capability::Error>(())
/// ```
pub fn access_policy(identity: Identity) -> Result<AccessPolicy, capability::Error> {
    access_token! {
        identity {identity};
        voice { incoming; outgoing {TWIML_APP} };
        video;
        ttl 1h;
    }
}

/// The body of a successful response: who the token is for, the token, and when it expires
/// (Unix seconds).
///
/// ```
/// use capability::ClientName;
/// use capability_token_server::{issue_capability_token, Caller, Keys};
///
/// let keys = Keys::from_vars(|_| Ok(None))?;
/// let response = issue_capability_token(&keys, &Caller::new("alice")).expect("a token");
/// let json = serde_json::to_value(&response).expect("JSON");
/// assert_eq!(json["identity"], "alice");
/// assert_eq!(json["token"], response.token.as_str());
/// assert_eq!(json["expires_at"], response.expires_at);
/// # Ok::<(), capability_token_server::ConfigError>(())
/// ```
#[derive(Debug)]
pub struct TokenResponse {
    /// The identity the token was issued for: the caller's name.
    pub identity: String,
    /// The signed token (a JWT); serialized as its text.
    pub token: Token,
    /// When the token expires, in Unix seconds.
    pub expires_at: u64,
}

// Written out rather than derived: this crate sits in the workspace's default members, whose
// features cargo unifies, so `serde_derive` and capability's `serde` feature here would also be
// compiled into `cargo run --example quickstart`. In your own server, `#[derive(Serialize)]`
// with capability's `serde` feature does the same: a `Token` serializes as its text.
impl Serialize for TokenResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("TokenResponse", 3)?;
        body.serialize_field("identity", &self.identity)?;
        body.serialize_field("token", self.token.as_str())?;
        body.serialize_field("expires_at", &self.expires_at)?;
        body.end()
    }
}

impl TokenResponse {
    fn new(identity: &str, token: Token) -> Self {
        Self {
            identity: identity.to_owned(),
            expires_at: token.expires_at(),
            token,
        }
    }
}

/// Signs a capability token for `caller`, issued now.
///
/// The policy is made for this caller from the template `capability!` compiled it to:
/// everything but the name was encoded once, on the first request, so making it allocates
/// nothing and checks nothing the compiler checked, and signing encodes only the name besides
/// the HMAC. The credentials were keyed into HMAC once, at start-up. `docs/token-server.md`
/// (load) measures a request against one that answers a constant body.
///
/// # Errors
/// [`ApiError::InvalidUser`] when the caller's name is not a valid client name;
/// [`ApiError::Signing`] when the system clock reads before 1970.
pub fn issue_capability_token(keys: &Keys, caller: &Caller) -> Result<TokenResponse, ApiError> {
    let user = ClientName::new(caller.name()).map_err(ApiError::InvalidUser)?;
    let token = capability_policy(user)
        .sign(keys.credentials())
        .map_err(ApiError::Signing)?;
    Ok(TokenResponse::new(caller.name(), token))
}

/// Signs an Access Token for `caller`, issued now; see [`issue_capability_token`].
///
/// # Errors
/// [`ApiError::InvalidUser`] when the caller's name is not a valid identity, or (for the voice
/// grant) not a valid client name; [`ApiError::Signing`] when the system clock reads before 1970.
pub fn issue_access_token(keys: &Keys, caller: &Caller) -> Result<TokenResponse, ApiError> {
    let identity = Identity::new(caller.name()).map_err(ApiError::InvalidUser)?;
    let token = access_policy(identity)
        .map_err(ApiError::InvalidUser)?
        .sign(keys.api_key())
        .map_err(ApiError::Signing)?;
    Ok(TokenResponse::new(caller.name(), token))
}

/// `GET /token/capability`: a capability token for the caller.
pub(crate) async fn get_capability_token(
    State(keys): State<Arc<Keys>>,
    caller: Caller,
) -> Result<Json<TokenResponse>, ApiError> {
    issue_capability_token(&keys, &caller).map(Json)
}

/// `GET /token/access`: an Access Token for the caller.
pub(crate) async fn get_access_token(
    State(keys): State<Arc<Keys>>,
    caller: Caller,
) -> Result<Json<TokenResponse>, ApiError> {
    issue_access_token(&keys, &caller).map(Json)
}
