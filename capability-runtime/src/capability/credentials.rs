//! `Credentials`: the Account SID and the auth token, keyed into HMAC-SHA256 once.

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::capability::wire::{FIRST_BLOCK, PAYLOAD_EXP, PAYLOAD_ISS};
use crate::error::Error;
use crate::jwt::base64url::Quanta;
use crate::jwt::mac::{first_block, HmacKey, KeyAfterBlock};
use crate::limits::whole_seconds;
use crate::sid::{AccountSid, SID_LEN};

/// An account's Account SID and auth token: what signs and verifies tokens.
///
/// The auth token is keyed into HMAC-SHA256 once, here; the text is then wiped. The keyed state is
/// wiped when the credentials are dropped, and never shown: `Debug` prints `[redacted]`.
/// `Credentials` is `Send + Sync` and signing takes `&self`, so one value serves every thread.
///
/// During a rotation of the auth token, [`with_secondary`](Self::with_secondary) adds a second
/// auth token that verification also accepts; signing always uses the primary one.
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
    key: AuthKey,
    /// The secondary auth token during a rotation, keyed like `key`: verification only.
    secondary: Option<AuthKey>,
    leeway: u64,
    /// `","iss":"<Account SID>","exp":`, the part of every payload that depends on the account
    /// alone, in base64url: once for each of the three ways a policy's precomputed prefix can
    /// leave the tail of `","iss":"` (0, 1 or 2 bytes) to be encoded with it.
    issuer: [Quanta; 3],
}

impl Credentials {
    /// Checks the Account SID and keys the HMAC with the auth token.
    ///
    /// # Errors
    /// [`Error::InvalidSid`] for a malformed Account SID (the message names the problem, never
    /// the text, as `ApiKey::new`'s: swapped arguments would put the auth
    /// token there), [`Error::EmptyAuthToken`] for an empty auth token.
    ///
    /// ```
    /// use capability_runtime::Credentials;
    ///
    /// let secret = "AC0123456789abcdef0123456789abcdeX"; // an auth token that looks like a SID
    /// let err = Credentials::new(secret, "AC0123456789abcdef0123456789abcdef").unwrap_err();
    /// assert!(!err.to_string().contains(secret));
    /// ```
    pub fn new(account_sid: &str, auth_token: impl Into<String>) -> Result<Self, Error> {
        let auth_token = Zeroizing::new(auth_token.into());
        let account_sid = AccountSid::new_redacted(account_sid)?;
        if auth_token.is_empty() {
            return Err(Error::EmptyAuthToken);
        }
        Ok(Self {
            issuer: [0, 1, 2].map(|iss_tail| {
                let mut bytes = Vec::with_capacity(2 + SID_LEN + PAYLOAD_EXP.len());
                bytes.extend_from_slice(&PAYLOAD_ISS.as_bytes()[PAYLOAD_ISS.len() - iss_tail..]);
                bytes.extend_from_slice(account_sid.as_bytes());
                bytes.extend_from_slice(PAYLOAD_EXP.as_bytes());
                Quanta::new(&bytes)
            }),
            account_sid,
            key: auth_key(auth_token.as_bytes()),
            secondary: None,
            leeway: 0,
        })
    }

    /// Starts a rotation of the auth token: verification also accepts tokens signed with
    /// `auth_token`, the secondary, until [`without_secondary`](Self::without_secondary) ends the
    /// rotation. Signing still uses only the primary auth token, the one given to
    /// [`new`](Self::new).
    ///
    /// The secondary is treated as the primary is: keyed into HMAC once, its text wiped, the
    /// keyed state wiped on drop, never shown by `Debug`, and each signature compared with it in
    /// constant time. Every other check of [`verify_at`](Self::verify_at) is the same whichever
    /// key signed the token. A second call replaces the secondary.
    ///
    /// A rotation in Twilio's console: create the secondary auth token; deploy verifiers with
    /// `Credentials::new(sid, old)?.with_secondary(new)?` (they keep signing with the old one);
    /// promote the secondary to primary, which deletes the old token; deploy
    /// `Credentials::new(sid, new)?.with_secondary(old)?`, so that tokens signed with the old one
    /// keep verifying until they expire (the longest TTL, at most 24 h); then end the rotation
    /// with `Credentials::new(sid, new)?` or [`without_secondary`](Self::without_secondary).
    ///
    /// ```
    /// use capability_runtime::{ClientName, Credentials, Error, Policy};
    ///
    /// const SID: &str = "AC0123456789abcdef0123456789abcdef";
    /// let policy = Policy::builder().incoming(ClientName::new("alice")?).build()?;
    /// let old_token = policy.sign_at(&Credentials::new(SID, "old auth token")?, 1000);
    ///
    /// let rotating = Credentials::new(SID, "new auth token")?.with_secondary("old auth token")?;
    /// assert!(rotating.verify_at(old_token.as_str(), 1001).is_ok());
    /// // Signing uses the primary: its tokens verify without the secondary.
    /// let new_token = policy.sign_at(&rotating, 1000);
    /// assert!(Credentials::new(SID, "new auth token")?.verify_at(new_token.as_str(), 1001).is_ok());
    ///
    /// let rotated = rotating.without_secondary();
    /// assert_eq!(rotated.verify_at(old_token.as_str(), 1001).unwrap_err(), Error::BadSignature);
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::EmptyAuthToken`] for an empty secondary auth token.
    pub fn with_secondary(mut self, auth_token: impl Into<String>) -> Result<Self, Error> {
        let auth_token = Zeroizing::new(auth_token.into());
        if auth_token.is_empty() {
            return Err(Error::EmptyAuthToken);
        }
        self.secondary = Some(auth_key(auth_token.as_bytes()));
        Ok(self)
    }

    /// Ends a rotation: drops the secondary auth token (its keyed state is wiped), so that only
    /// tokens signed with the primary verify. Does nothing when there is no secondary.
    pub fn without_secondary(mut self) -> Self {
        self.secondary = None;
        self
    }

    /// Whether a secondary auth token is accepted when verifying: a rotation is under way.
    pub fn has_secondary(&self) -> bool {
        self.secondary.is_some()
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
        self.leeway = whole_seconds(leeway);
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
    pub(crate) fn issuer_b64(&self, iss_tail: usize) -> &Quanta {
        &self.issuer[iss_tail % 3]
    }

    /// The primary auth token, keyed once in [`Credentials::new`]: the one that signs.
    pub(crate) fn key(&self) -> &AuthKey {
        &self.key
    }

    /// The keys a signature may be made with: the primary auth token's, then, during a
    /// rotation, the secondary's.
    pub(crate) fn verifying_keys(&self) -> impl Iterator<Item = &AuthKey> {
        std::iter::once(&self.key).chain(&self.secondary)
    }
}

/// An auth token keyed into HMAC-SHA256, with the inner state after [`FIRST_BLOCK`], the first
/// block of the signing input of most tokens: signing and verifying them hashes one block fewer.
pub(crate) type AuthKey = KeyAfterBlock;

fn auth_key(auth_token: &[u8]) -> AuthKey {
    KeyAfterBlock::new(
        HmacKey::new(auth_token),
        first_block(FIRST_BLOCK.as_bytes()),
    )
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &format_args!("[redacted]"))
            .field(
                "secondary_auth_token",
                &self.secondary.as_ref().map(|_| format_args!("[redacted]")),
            )
            .field("leeway", &self.leeway())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From the state after the first block or from the key alone: the same tag, for inputs
    /// that start with the block, with a part of it, or not at all.
    #[test]
    fn the_first_block_state_gives_the_plain_hmac() {
        let key = auth_key(b"an auth token");
        let mut inputs = vec![FIRST_BLOCK.to_owned(), String::new(), "x.y".to_owned()];
        for len in [0, 1, 30, 63, 64, 65, 100, 200] {
            let tail: String = "abcdefghij".chars().cycle().take(len).collect();
            inputs.push(format!("{FIRST_BLOCK}{tail}"));
            inputs.push(format!("{}{tail}", &FIRST_BLOCK[..63]));
        }
        let mut from_block = 0;
        for input in &inputs {
            from_block += usize::from(input.starts_with(FIRST_BLOCK));
            assert_eq!(
                key.tag(input.as_bytes()),
                key.hmac().tag(input.as_bytes()),
                "{input}"
            );
        }
        assert_eq!(from_block, 9);
    }
}
