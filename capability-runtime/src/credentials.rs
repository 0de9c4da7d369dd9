//! `Credentials`: the Account SID and the auth token, keyed into HMAC-SHA256 once.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::sid::AccountSid;

pub(crate) type HmacSha256 = Hmac<Sha256>;

// The keyed HMAC state is as secret as the auth token. `Hmac` is two SHA-256 states keyed with
// it (inner and outer); prove at compile time that such a state wipes itself on drop (sha2's
// `zeroize` feature).
const _: () = {
    const fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroized_on_drop::<<Sha256 as hmac::EagerHash>::Core>();
};

/// An account's Account SID and auth token: what signs and verifies tokens.
///
/// The auth token is keyed into HMAC-SHA256 once, here; the text is then wiped. The keyed state is
/// wiped when the credentials are dropped, and never shown: `Debug` prints `[redacted]`.
/// `Credentials` is `Send + Sync` and signing takes `&self`, so one value serves every thread.
///
/// ```
/// use capability_runtime::Credentials;
///
/// let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "my auth token")?;
/// assert!(!format!("{credentials:?}").contains("my auth token"));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    account_sid: AccountSid,
    mac: HmacSha256,
    leeway: u64,
}

impl Credentials {
    /// Checks the Account SID and keys the HMAC with the auth token.
    ///
    /// # Errors
    /// [`Error::InvalidSid`] for a malformed Account SID, [`Error::EmptyAuthToken`] for an empty
    /// auth token.
    pub fn new(account_sid: &str, auth_token: impl Into<String>) -> Result<Self, Error> {
        let auth_token = Zeroizing::new(auth_token.into());
        let account_sid = AccountSid::new(account_sid)?;
        if auth_token.is_empty() {
            return Err(Error::EmptyAuthToken);
        }
        // HMAC takes keys of any length (long keys are hashed first): this cannot fail.
        let mac =
            HmacSha256::new_from_slice(auth_token.as_bytes()).map_err(|_| Error::EmptyAuthToken)?;
        Ok(Self {
            account_sid,
            mac,
            leeway: 0,
        })
    }

    /// Allows clocks to disagree by `leeway` when verifying: a token is still accepted up to
    /// `leeway` after its `exp`, and from `leeway` before its `nbf`. Default: none. Fractions of a
    /// second round up.
    ///
    /// ```
    /// use std::time::Duration;
    /// use capability_runtime::Credentials;
    ///
    /// let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "secret")?
    ///     .with_leeway(Duration::from_secs(30));
    /// assert_eq!(credentials.leeway(), Duration::from_secs(30));
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway
            .as_secs()
            .saturating_add(u64::from(leeway.subsec_nanos() > 0));
        self
    }

    /// The leeway allowed when verifying.
    pub fn leeway(&self) -> Duration {
        Duration::from_secs(self.leeway)
    }

    /// The account the credentials belong to: the issuer of the tokens they sign.
    pub fn account_sid(&self) -> &AccountSid {
        &self.account_sid
    }

    pub(crate) fn leeway_secs(&self) -> u64 {
        self.leeway
    }

    /// A fresh HMAC, keyed: a copy of the state keyed once in [`Credentials::new`].
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.mac.clone()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &format_args!("[redacted]"))
            .field("leeway", &self.leeway())
            .finish()
    }
}

/// Seconds since the Unix epoch by the system clock.
pub(crate) fn now() -> Result<u64, Error> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| Error::Clock)
}
