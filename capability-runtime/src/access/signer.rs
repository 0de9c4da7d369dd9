//! `AccessSigner`: an Access Token policy held with its API key, the counterpart of
//! [`Signer`](crate::Signer).

use std::fmt;

use crate::access::api_key::ApiKey;
use crate::access::policy::AccessPolicy;
use crate::credentials;
use crate::error::Error;
use crate::token::Token;

/// An Access Token policy prepared for one API key: signs the same tokens as
/// [`AccessPolicy::sign_at`], and owns what it needs, so that it can sit in a `static`
/// (`LazyLock`) or in an application's state next to the capability [`Signer`](crate::Signer).
///
/// Unlike a capability token, an Access Token carries the time near its start (`jti` is
/// `<key>-<issued at>`, in the second 64-byte block of the signing input), so no block after
/// it is the same from one token to the next. What can be prepared is prepared already, by the
/// [`ApiKey`] (the HMAC state after the first two blocks, for every time from 1 000 000 000 to
/// 1 999 999 999) and by the [`AccessPolicy`] (the base64 of the claims after `exp`). Signing
/// through an `AccessSigner` therefore costs what [`AccessPolicy::sign_at`] costs; it gains
/// nothing measurable (`cargo bench -p capability-tests --bench interleaved`), and exists so
/// that both kinds of token are held and signed the same way.
///
/// `Send + Sync`, signing through `&self`; its key state is wiped on drop (the [`ApiKey`]'s),
/// and `Debug` does not show it.
///
/// ```
/// use std::sync::LazyLock;
/// use capability_runtime::{AccessPolicy, AccessSigner, ApiKey, Identity, VideoGrant};
///
/// static ALICE: LazyLock<AccessSigner> = LazyLock::new(|| {
///     // In an application: the environment (`TWILIO_API_KEY`, `TWILIO_API_SECRET`).
///     let key = ApiKey::new(
///         "AC0123456789abcdef0123456789abcdef",
///         "SK0123456789abcdef0123456789abcdef",
///         "my api key secret",
///     )
///     .expect("a valid API key");
///     let policy = AccessPolicy::builder()
///         .identity(Identity::from_static("alice"))
///         .video(VideoGrant::new())
///         .build()
///         .expect("a valid policy");
///     policy.signer(&key)
/// });
///
/// let token = ALICE.sign_at(1_700_000_000);
/// assert_eq!(token, ALICE.policy().sign_at(ALICE.api_key(), 1_700_000_000));
/// assert!(!format!("{:?}", *ALICE).contains("my api key secret"));
/// ```
#[derive(Clone)]
pub struct AccessSigner {
    key: ApiKey,
    policy: AccessPolicy,
}

impl AccessPolicy {
    /// Holds this policy with `key`, for signing many tokens; see [`AccessSigner`].
    pub fn signer(&self, key: &ApiKey) -> AccessSigner {
        AccessSigner {
            key: key.clone(),
            policy: self.clone(),
        }
    }
}

impl AccessSigner {
    /// Signs a token issued at `issued_at` (Unix seconds): the same bytes as
    /// [`AccessPolicy::sign_at`]. Never panics; one allocation, the token's text.
    pub fn sign_at(&self, issued_at: u64) -> Token {
        self.policy.sign_at(&self.key, issued_at)
    }

    /// Signs a token issued now, by the system clock.
    ///
    /// # Errors
    /// [`Error::Clock`] if the system clock reads before 1970.
    pub fn sign(&self) -> Result<Token, Error> {
        Ok(self.sign_at(credentials::now()?))
    }

    /// The policy it signs.
    pub fn policy(&self) -> &AccessPolicy {
        &self.policy
    }

    /// The key it signs with.
    pub fn api_key(&self) -> &ApiKey {
        &self.key
    }
}

impl fmt::Debug for AccessSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessSigner")
            .field("api_key", &self.key)
            .field("policy", &self.policy)
            .finish()
    }
}
