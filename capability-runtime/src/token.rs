//! Signing: `Policy::sign_at` and the `Token` it returns.

use std::fmt;

use hmac::Mac as _;

use crate::base64url::push_encoded;
use crate::credentials::{self, Credentials};
use crate::encode::payload_tail_len;
use crate::error::Error;
use crate::policy::Policy;

/// base64url of `{"typ":"JWT","alg":"HS256"}`, twilio-php's header.
pub(crate) const HEADER_B64: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9";

/// The largest `exp` a token carries: 2^53 − 1, the largest integer every JSON reader holds
/// exactly. `sign_at` clamps to it rather than wrap or panic.
pub const MAX_EXP: u64 = (1 << 53) - 1;

/// Length of the base64url of an HMAC-SHA256 tag.
const TAG_B64_LEN: usize = 43;

impl Policy {
    /// Signs a token issued at `issued_at` (Unix seconds), valid until `issued_at + ttl`.
    ///
    /// Never panics: an expiry past [`MAX_EXP`] is clamped to it. Makes one allocation, the
    /// token's text.
    ///
    /// ```
    /// use capability_runtime::{ClientName, Credentials, Policy};
    ///
    /// let credentials = Credentials::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "0123456789abcdef0123456789abcdef")?;
    /// let policy = Policy::builder().incoming(ClientName::new("Alice")?).build()?;
    /// let token = policy.sign_at(&credentials, 1_700_000_000);
    /// assert_eq!(token.expires_at(), 1_700_003_600);
    /// assert_eq!(
    ///     token.as_str(),
    ///     "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6InNjb3BlOmNsaWVudDppbmNvbWluZz9jbGllbnROYW1lPUFsaWNlIiwiaXNzIjoiQUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYSIsImV4cCI6MTcwMDAwMzYwMH0.bZccQprtrqZBWJ0PSmIa9G5wPRL7e0Jkt0jk8IZfyTk"
    /// );
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    pub fn sign_at(&self, credentials: &Credentials, issued_at: u64) -> Token {
        let expires_at = issued_at.saturating_add(self.ttl_secs()).min(MAX_EXP);

        // The payload after the policy's precomputed prefix: the account's precomputed part
        // (`","iss":"<sid>","exp":`, aligned to the prefix), then the 0 to 2 bytes it leaves
        // over, the expiry and `}`, encoded here.
        let issuer = credentials.issuer_b64(payload_tail_len(self.scope().len()));
        const TAIL_MAX: usize = 2 + 20 + 1;
        let mut tail = [0u8; TAIL_MAX];
        let (rest, rest_len) = issuer.rest;
        tail[..rest_len].copy_from_slice(&rest[..rest_len]);
        let mut len = rest_len;
        for &b in itoa::Buffer::new()
            .format(expires_at)
            .as_bytes()
            .iter()
            .chain(b"}")
        {
            tail[len] = b;
            len += 1;
        }

        let prefix = self.payload_prefix_b64();
        let tail_b64 = (len * 4).div_ceil(3);
        let mut text = String::with_capacity(
            HEADER_B64.len() + 1 + prefix.len() + issuer.b64.len() + tail_b64 + 1 + TAG_B64_LEN,
        );
        text.push_str(HEADER_B64);
        text.push('.');
        text.push_str(prefix);
        text.push_str(&issuer.b64);
        push_encoded(&mut text, &tail[..len]);

        let mut mac = credentials.mac();
        mac.update(text.as_bytes());
        let tag = mac.finalize().into_bytes();
        text.push('.');
        push_encoded(&mut text, &tag);
        Token { text, expires_at }
    }

    /// Signs a token issued now by the system clock.
    ///
    /// # Errors
    /// [`Error::Clock`] if the system clock reads before 1970.
    pub fn sign(&self, credentials: &Credentials) -> Result<Token, Error> {
        Ok(self.sign_at(credentials, credentials::now()?))
    }
}

/// A signed capability token: the JWT to hand to Twilio Client.
///
/// `Display` and [`as_str`](Self::as_str) give the whole token; `Debug` leaves out the signature,
/// so that a token logged by mistake cannot be replayed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token {
    text: String,
    expires_at: u64,
}

impl Token {
    /// A token of this text, which expires at `expires_at`.
    pub(crate) fn new(text: String, expires_at: u64) -> Self {
        Self { text, expires_at }
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The token's text, without a copy.
    pub fn into_string(self) -> String {
        self.text
    }

    /// When the token expires (its `exp` claim), in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unsigned = self.text.rsplit_once('.').map_or("", |(head, _)| head);
        f.debug_struct("Token")
            .field("unsigned", &unsigned)
            .field("signature", &format_args!("[redacted]"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl AsRef<str> for Token {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl From<Token> for String {
    fn from(token: Token) -> String {
        token.text
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use super::*;
    use crate::client_name::ClientName;

    #[test]
    fn every_alignment_matches_a_plain_encoding_of_the_payload() {
        const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
        let credentials = Credentials::new(ACCOUNT, "secret").unwrap();
        let mut alignments = Vec::new();
        for name in ["A", "Ab", "Abc"] {
            let policy = Policy::builder()
                .incoming(ClientName::new(name).unwrap())
                .build()
                .unwrap();
            alignments.push(payload_tail_len(policy.scope().len()));
            for issued_at in [0, 9, 1_700_000_000, MAX_EXP] {
                let token = policy.sign_at(&credentials, issued_at);
                let payload = format!(
                    r#"{{"scope":"{}","iss":"{ACCOUNT}","exp":{}}}"#,
                    policy.scope(),
                    token.expires_at()
                );
                let unsigned = token.as_str().rsplit_once('.').unwrap().0;
                assert_eq!(
                    unsigned,
                    format!("{HEADER_B64}.{}", URL_SAFE_NO_PAD.encode(payload))
                );
            }
        }
        alignments.sort_unstable();
        assert_eq!(alignments, [0, 1, 2]);
    }
}
