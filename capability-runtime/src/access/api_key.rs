//! `ApiKey`: an account's API key (its SID and secret), keyed into HMAC-SHA256 once.

use std::fmt;
use std::time::Duration;

use zeroize::{Zeroize as _, Zeroizing};

use crate::access::encode::HEADER_BLOCK_B64;
use crate::error::Error;
use crate::jwt::base64url::{push_encoded, Quanta};
use crate::jwt::mac::{first_block, HmacKey, KeyAfterBlock, State, BLOCK_LEN};
use crate::limits::{whole_seconds, TAG_LEN};
use crate::sid::{AccountSid, ApiKeySid, SID_LEN};

/// `{"jti":"` — the payload up to the key SID.
const JTI_HEAD: &str = "{\"jti\":\"";

/// An account's API key: its Account SID, the key's SID and secret. What signs and verifies
/// Access Tokens.
///
/// The secret is keyed into HMAC-SHA256 once, here; the text is then wiped. The keyed state is
/// wiped when the key is dropped, and never shown: `Debug` prints `[redacted]`. The errors of
/// [`ApiKey::new`] never quote the SIDs given, so that a secret passed in the wrong place does
/// not end up in a log. `ApiKey` is `Send + Sync` and signing takes `&self`.
///
/// ```
/// use capability_runtime::ApiKey;
///
/// let key = ApiKey::new(
///     "AC0123456789abcdef0123456789abcdef",
///     "SK0123456789abcdef0123456789abcdef",
///     "my api key secret",
/// )?;
/// assert!(!format!("{key:?}").contains("my api key secret"));
///
/// // The secret passed as the API key's SID: the error does not repeat it.
/// let err = ApiKey::new("AC0123456789abcdef0123456789abcdef", "my api key secret", "SK0123456789abcdef0123456789abcdef")
///     .unwrap_err();
/// assert!(!err.to_string().contains("my api key secret"));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct ApiKey {
    account_sid: AccountSid,
    key_sid: ApiKeySid,
    /// The secret keyed into HMAC, and its state after the first block of every signing input
    /// ([`HEADER_BLOCK_B64`]).
    mac: KeyAfterBlock,
    /// The second 64 bytes of the signing input of the tokens this key signs without a region
    /// at a time from 1 000 000 000 to 1 999 999 999 (2001 to 2033): all but the last byte,
    /// which depends on the time's second digit, then that byte for each digit.
    second_block: [u8; 63],
    second_block_last: [u8; 10],
    /// The inner HMAC states after both blocks, one for each digit.
    after_second_block: Box<SecondBlockStates>,
    leeway: u64,
    /// The base64url of `{"jti":"<key>`, 42 bytes: 14 whole quanta.
    jti_b64: Box<str>,
    /// `","iss":"<key>","sub":"<account>","exp":`, the part of every payload between the time
    /// in `jti` and the expiry, in base64url: once for each number of its first bytes (0 to 2)
    /// that `sign_at` encodes together with the time.
    middle: [Quanta; 3],
    /// During a rotation, the previous key of the same account: its tokens still verify.
    secondary: Option<Box<ApiKey>>,
}

impl ApiKey {
    /// Checks the SIDs and keys the HMAC with the secret.
    ///
    /// # Errors
    /// [`Error::InvalidSid`] for a malformed Account SID or API Key SID (the message names the
    /// kind and the problem, never the text), [`Error::EmptySecret`] for an empty secret.
    pub fn new(
        account_sid: &str,
        api_key_sid: &str,
        secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let secret = Zeroizing::new(secret.into());
        let account_sid = AccountSid::new_redacted(account_sid)?;
        let key_sid = ApiKeySid::new_redacted(api_key_sid)?;
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        let header_block = first_block(HEADER_BLOCK_B64.as_bytes());
        let mac = KeyAfterBlock::new(HmacKey::new(secret.as_bytes()), header_block);

        let mut jti = String::with_capacity(JTI_HEAD.len() + SID_LEN);
        jti.push_str(JTI_HEAD);
        jti.push_str(key_sid.as_str());
        debug_assert_eq!(jti.len() % 3, 0);
        let mut jti_b64 = String::new();
        push_encoded(&mut jti_b64, jti.as_bytes());

        // twilio-php's header without a region is 67 base64url characters: the second block is
        // its last 3, the `.`, the 56 of `{"jti":"<key>`, and the 4 of `-1<digit>`.
        let mut second = String::with_capacity(64);
        second.push_str(&crate::access::encode::header_b64_without_region()[64..]);
        second.push('.');
        second.push_str(&jti_b64);
        let mut second_block = [0u8; 63];
        let mut second_block_last = [0u8; 10];
        let after_second_block = [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(|digit| {
            let mut text = second.clone();
            push_encoded(&mut text, &[b'-', b'1', b'0' + digit]);
            second_block.copy_from_slice(&text.as_bytes()[..63]);
            second_block_last[usize::from(digit)] = text.as_bytes()[63];
            mac.hmac()
                .inner_after(&[header_block, first_block(text.as_bytes())])
        });

        let mut middle = String::new();
        for part in ["\",\"iss\":\"", key_sid.as_str(), "\",\"sub\":\""] {
            middle.push_str(part);
        }
        middle.push_str(account_sid.as_str());
        middle.push_str("\",\"exp\":");
        // At most 94 bytes: within `push_encoded`'s 96.
        let middle = [0, 1, 2].map(|borrowed| Quanta::new(&middle.as_bytes()[borrowed..]));
        Ok(Self {
            account_sid,
            key_sid,
            mac,
            second_block,
            second_block_last,
            after_second_block: Box::new(SecondBlockStates(after_second_block)),
            leeway: 0,
            jti_b64: jti_b64.into_boxed_str(),
            middle,
            secondary: None,
        })
    }

    /// Starts a rotation: when verifying, also accepts tokens signed with another API key of
    /// the same account (the one being replaced). A token is accepted only when its signature
    /// is that of a key and its `iss` names that same key; every other rule is the same. Signing
    /// uses only this key. The secondary secret is keyed once, wiped, and never printed.
    ///
    /// ```
    /// use capability_runtime::{AccessPolicy, ApiKey, Error, Identity, VideoGrant};
    ///
    /// let policy = AccessPolicy::builder()
    ///     .identity(Identity::new("alice")?)
    ///     .video(VideoGrant::new())
    ///     .build()?;
    /// const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
    /// let old = ApiKey::new(ACCOUNT, "SK00000000000000000000000000000001", "old secret")?;
    /// let old_token = policy.sign_at(&old, 1000);
    ///
    /// let rotating = ApiKey::new(ACCOUNT, "SK00000000000000000000000000000002", "new secret")?
    ///     .with_secondary("SK00000000000000000000000000000001", "old secret")?;
    /// assert!(rotating.verify_at(old_token.as_str(), 1001).is_ok());
    /// let new_token = policy.sign_at(&rotating, 1000);
    /// assert!(rotating.verify_at(new_token.as_str(), 1001).is_ok());
    ///
    /// let rotated = rotating.without_secondary();
    /// assert_eq!(rotated.verify_at(old_token.as_str(), 1001).unwrap_err(), Error::BadSignature);
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ApiKey::new`], for the secondary's SID and secret.
    pub fn with_secondary(
        mut self,
        api_key_sid: &str,
        secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let mut secondary = ApiKey::new(self.account_sid.as_str(), api_key_sid, secret)?;
        secondary.leeway = self.leeway;
        self.secondary = Some(Box::new(secondary));
        Ok(self)
    }

    /// Ends a rotation: drops the secondary key (its keyed state is wiped), so that only tokens
    /// signed with this key verify. Does nothing when there is no secondary.
    pub fn without_secondary(mut self) -> Self {
        self.secondary = None;
        self
    }

    /// The secondary key's SID, while a rotation is under way.
    pub fn secondary_sid(&self) -> Option<&ApiKeySid> {
        self.secondary.as_ref().map(|s| &s.key_sid)
    }

    /// The keys a signature may be made with: this one, then, during a rotation, the
    /// secondary.
    pub(crate) fn verifying_keys(&self) -> impl Iterator<Item = &ApiKey> {
        std::iter::once(self).chain(self.secondary.as_deref())
    }

    /// Allows clocks to disagree by `leeway` when verifying: a token is still accepted up to
    /// `leeway` after its `exp`, and from `leeway` before its `nbf`. Default: none. Fractions of a
    /// second round up.
    ///
    /// ```
    /// use std::time::Duration;
    /// use capability_runtime::ApiKey;
    ///
    /// let key = ApiKey::new("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", "secret")?
    ///     .with_leeway(Duration::from_secs(30));
    /// assert_eq!(key.leeway(), Duration::from_secs(30));
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = whole_seconds(leeway);
        if let Some(secondary) = &mut self.secondary {
            secondary.leeway = self.leeway;
        }
        self
    }

    /// The leeway allowed when verifying.
    pub fn leeway(&self) -> Duration {
        Duration::from_secs(self.leeway)
    }

    /// The account the key belongs to: the subject (`sub`) of the tokens it signs.
    pub fn account_sid(&self) -> &AccountSid {
        &self.account_sid
    }

    /// The key's SID: the issuer (`iss`) of the tokens it signs.
    pub fn api_key_sid(&self) -> &ApiKeySid {
        &self.key_sid
    }

    pub(crate) fn leeway_secs(&self) -> u64 {
        self.leeway
    }

    /// The HMAC-SHA256 tag of `input`, resumed from the inner state after the longest of the
    /// precomputed blocks `input` starts with.
    pub(crate) fn tag_of(&self, input: &[u8]) -> [u8; TAG_LEN] {
        match self.mac.after(input) {
            Some(rest) => match self.after_second_block(rest) {
                Some((state, rest)) => self.mac.hmac().tag_after(state, 2 * BLOCK_LEN, rest),
                None => self.mac.tag_after_block(rest),
            },
            None => self.mac.hmac().tag(input),
        }
    }

    /// The state after the second block, if `rest` (the input after the first) starts with one
    /// of the precomputed ones, and the input after it.
    fn after_second_block<'i>(&self, rest: &'i [u8]) -> Option<(&State, &'i [u8])> {
        let after = rest.strip_prefix(&self.second_block[..])?;
        let (&last, after) = after.split_first()?;
        let digit = self.second_block_last.iter().position(|&b| b == last)?;
        Some((&self.after_second_block.0[digit], after))
    }

    /// The base64url of `{"jti":"<key>`.
    pub(crate) fn jti_b64(&self) -> &str {
        &self.jti_b64
    }

    /// The middle part, after `borrowed` of its bytes were encoded with the time.
    pub(crate) fn middle(&self, borrowed: usize) -> &Quanta {
        &self.middle[borrowed % 3]
    }

    /// The first bytes of the middle part: `","`.
    pub(crate) const MIDDLE_HEAD: &'static [u8; 2] = b"\",";
}

/// The inner HMAC states after the first block of every signing input and the second block of
/// most (see [`ApiKey`]'s `second_block`), one for each digit. As secret as the key: wiped on
/// drop.
#[derive(Clone)]
struct SecondBlockStates([State; 10]);

impl Drop for SecondBlockStates {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("account_sid", &self.account_sid)
            .field("api_key_sid", &self.key_sid)
            .field("secret", &format_args!("[redacted]"))
            .field(
                "secondary",
                &self
                    .secondary
                    .as_ref()
                    .map(|s| format!("{} ([redacted])", s.key_sid)),
            )
            .field("leeway", &self.leeway())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;

    const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
    const KEY: &str = "SK0123456789abcdef0123456789abcdef";

    #[test]
    fn errors_never_quote_the_sids_given() {
        let secret = "ACq7Zx9Lm2Vb8Nk4Tt6Yw1Pe3Rr5Uu0Ii";
        for (account, key) in [(secret, KEY), (ACCOUNT, secret)] {
            let err = ApiKey::new(account, key, "x").unwrap_err();
            let text = format!("{err} {err:?}");
            for window in secret.as_bytes().windows(4) {
                let window = std::str::from_utf8(window).unwrap();
                assert!(!text.contains(window), "{window} in {text}");
            }
        }
        let err = ApiKey::new(ACCOUNT, KEY, "").unwrap_err();
        assert_eq!(err, Error::EmptySecret);
    }

    /// HMAC-SHA256 of the `hmac` crate, the reference.
    fn reference_tag(secret: &str, input: &[u8]) -> [u8; TAG_LEN] {
        use hmac::{KeyInit, Mac};
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(input);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn the_precomputed_blocks_give_the_plain_hmac() {
        use crate::access::{AccessPolicy, Region};
        use crate::identity::Identity;

        let key = ApiKey::new(ACCOUNT, KEY, "secret").unwrap();
        let mut used = [false; 3];
        for region in [None, Some(Region::from_static("ie1"))] {
            let mut builder = AccessPolicy::builder().identity(Identity::from_static("alice"));
            if let Some(region) = region {
                builder = builder.region(region);
            }
            let policy = builder.build().unwrap();
            let mut times = vec![5, 999_999_999, 2_000_000_000, 9_999_999_999, 10_000_000_000];
            times.extend((0..10).map(|d| 1_000_000_000 + d * 100_000_000 + 12_345));
            for issued_at in times {
                let token = policy.sign_at(&key, issued_at);
                let input = token.as_str().rsplit_once('.').unwrap().0.as_bytes();
                let blocks = match key.mac.after(input) {
                    Some(rest) if key.after_second_block(rest).is_some() => 2,
                    Some(_) => 1,
                    None => 0,
                };
                used[blocks] = true;
                assert_eq!(key.tag_of(input), reference_tag("secret", input));
                // Every time whose digits start with `1` and go on (such as 2001 to 2033)
                // without a region uses both blocks.
                let digits = issued_at.to_string();
                let covered = digits.len() > 1 && digits.starts_with('1');
                assert_eq!(blocks == 2, covered && policy.region().is_none());
            }
        }
        assert_eq!(used, [false, true, true]);
        // Inputs of every length around the precomputed blocks, and ones that leave them early.
        let token = AccessPolicy::builder()
            .identity(Identity::from_static("alice"))
            .build()
            .unwrap()
            .sign_at(&key, 1_500_000_000);
        let input = token.as_str().as_bytes();
        for len in 0..input.len() {
            assert_eq!(
                key.tag_of(&input[..len]),
                reference_tag("secret", &input[..len])
            );
        }
        assert_eq!(key.tag_of(b"x.y"), reference_tag("secret", b"x.y"));
    }

    #[test]
    fn a_signature_is_matched_by_the_key_that_made_it() {
        let old = ApiKey::new(ACCOUNT, "SK00000000000000000000000000000001", "old").unwrap();
        let new = ApiKey::new(ACCOUNT, KEY, "new").unwrap();
        let rotating = new
            .clone()
            .with_secondary(old.api_key_sid().as_str(), "old")
            .unwrap();
        let input = b"header.payload";
        let b64 = |tag: [u8; TAG_LEN]| crate::jwt::base64url::BASE64URL.encode(tag);
        let signer = |key: &ApiKey, signature: &str| {
            let token = format!("header.payload.{signature}");
            let segments = crate::jwt::split(&token).unwrap();
            crate::jwt::check_signature(&segments, key.verifying_keys(), ApiKey::tag_of)
                .map(|key| *key.api_key_sid())
        };
        let by_new = b64(reference_tag("new", input));
        let by_old = b64(reference_tag("old", input));
        assert_eq!(signer(&rotating, &by_new).unwrap(), *new.api_key_sid());
        assert_eq!(signer(&rotating, &by_old).unwrap(), *old.api_key_sid());
        assert_eq!(signer(&new, &by_old), Err(Error::BadSignature));
        let mut forged = by_new.clone().into_bytes();
        let last = forged.len() - 1;
        forged[last] ^= 1;
        assert!(signer(&rotating, std::str::from_utf8(&forged).unwrap()).is_err());
        assert!(signer(&rotating, &by_new[..by_new.len() - 1]).is_err());
    }

    #[test]
    fn middle_parts_cover_the_text() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;

        let key = ApiKey::new(ACCOUNT, KEY, "s").unwrap();
        let middle = format!("\",\"iss\":\"{KEY}\",\"sub\":\"{ACCOUNT}\",\"exp\":");
        assert!(middle.as_bytes().starts_with(ApiKey::MIDDLE_HEAD));
        for borrowed in 0..3 {
            let m = key.middle(borrowed);
            let bytes = &middle.as_bytes()[borrowed..];
            let whole = bytes.len() - m.rest.1;
            assert_eq!(whole % 3, 0);
            assert_eq!(&*m.b64, URL_SAFE_NO_PAD.encode(&bytes[..whole]));
            assert_eq!(&m.rest.0[..m.rest.1], &bytes[whole..]);
        }
        assert_eq!(
            key.jti_b64(),
            URL_SAFE_NO_PAD.encode(format!("{{\"jti\":\"{KEY}"))
        );
    }
}
