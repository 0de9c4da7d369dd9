//! `Credentials`: the Account SID and the auth token, keyed into HMAC-SHA256 once.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use crate::error::Error;
use crate::mac::HmacKey;
use crate::sid::{AccountSid, SID_LEN};
use crate::wire::{PAYLOAD_EXP, PAYLOAD_ISS};

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
    key: HmacKey,
    leeway: u64,
    issuer: [IssuerB64; 3],
}

/// `","iss":"<Account SID>","exp":`, the part of every payload that depends on the account
/// alone, in base64url: once for each of the three ways a policy's precomputed prefix can leave
/// the tail of `","iss":"` (0, 1 or 2 bytes) to be encoded with it.
#[derive(Clone)]
pub(crate) struct IssuerB64 {
    /// The base64url of the whole 3-byte quanta.
    pub(crate) b64: Box<str>,
    /// The 0 to 2 bytes after them, encoded at signing time with the expiry.
    pub(crate) rest: ([u8; 2], usize),
}

impl IssuerB64 {
    fn new(account_sid: &AccountSid, iss_tail: usize) -> Self {
        let mut bytes = Vec::with_capacity(2 + SID_LEN + PAYLOAD_EXP.len());
        bytes.extend_from_slice(&PAYLOAD_ISS.as_bytes()[PAYLOAD_ISS.len() - iss_tail..]);
        bytes.extend_from_slice(account_sid.as_bytes());
        bytes.extend_from_slice(PAYLOAD_EXP.as_bytes());
        let whole = bytes.len() - bytes.len() % 3;
        let mut rest = [0; 2];
        rest[..bytes.len() - whole].copy_from_slice(&bytes[whole..]);
        let mut b64 = String::new();
        crate::base64url::push_encoded(&mut b64, &bytes[..whole]);
        Self {
            b64: b64.into_boxed_str(),
            rest: (rest, bytes.len() - whole),
        }
    }
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
        Ok(Self {
            issuer: [0, 1, 2].map(|iss_tail| IssuerB64::new(&account_sid, iss_tail)),
            account_sid,
            key: HmacKey::new(auth_token.as_bytes()),
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

    /// The issuer part of the payload, for a policy whose prefix leaves `iss_tail` bytes of
    /// `","iss":"` over (see [`wire::payload_tail_len`](crate::wire)).
    pub(crate) fn issuer_b64(&self, iss_tail: usize) -> &IssuerB64 {
        &self.issuer[iss_tail % 3]
    }

    /// The HMAC key, keyed once in [`Credentials::new`].
    pub(crate) fn key(&self) -> &HmacKey {
        &self.key
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
