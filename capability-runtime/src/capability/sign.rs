//! Signing: `Policy::sign_at`, and the end of a payload that every token encodes.

use crate::capability::credentials::Credentials;
use crate::capability::policy::{Body, Policy};
use crate::capability::template::TemplateBody;
use crate::capability::wire::{
    payload_len, payload_tail_len, token_len, HEADER_B64, PAYLOAD_END, PAYLOAD_ISS,
};
use crate::error::Error;
use crate::jwt::base64url::{push_encoded, Quanta};
use crate::jwt::token::Token;
use crate::limits::{self, expiry, MAX_EXP, MAX_EXP_DIGITS};
use crate::template::{into_text, B64Writer};

impl Policy {
    /// Signs a token issued at `issued_at` (Unix seconds), valid until `issued_at + ttl`.
    ///
    /// Never panics: an expiry past [`MAX_EXP`](crate::MAX_EXP) is clamped to it. Makes one allocation, the
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
        let expires_at = expiry(issued_at, self.ttl_secs());

        // The payload after the policy's part: the account's precomputed part
        // (`","iss":"<sid>","exp":`, aligned to the policy's part), then the 0 to 2 bytes it
        // leaves over, the expiry and `}`, encoded here.
        let scope_len = self.scope_len();
        let issuer = credentials.issuer_b64(payload_tail_len(scope_len));
        let tail = PayloadTail::new(issuer.rest(), expires_at);

        // The exact length: the text is allocated once, and never grows.
        let mut text = self.unsigned_prefix(
            token_len(payload_len(
                scope_len,
                tail.as_bytes().len() - issuer.rest().len() - PAYLOAD_END.len(),
            )),
            issuer,
        );
        push_encoded(&mut text, tail.as_bytes());

        let tag = credentials.key().tag(text.as_bytes());
        text.push('.');
        push_encoded(&mut text, &tag);
        debug_assert_eq!(text.len(), text.capacity());
        Token::new(text, expires_at)
    }

    /// The header, `.`, and the base64url of the payload up to the expiry's quantum, in a text
    /// of `capacity`: the policy's part, then `issuer`, the account's part aligned to it. What
    /// follows (the bytes `issuer` leaves over, the expiry, `}`) is the caller's.
    ///
    /// The one signing path of every policy: a policy of the builder or of literals is one fixed
    /// run from the start of the payload, copied; a template's runs and holes are walked,
    /// carrying the 0 to 2 bytes between them, and end with those of `","iss":"` that `issuer`
    /// starts with.
    #[inline]
    pub(crate) fn unsigned_prefix(&self, capacity: usize, issuer: &Quanta) -> String {
        let mut text = match self.body() {
            Body::Encoded { payload_b64, .. } => {
                let mut text = String::with_capacity(capacity);
                text.push_str(HEADER_B64);
                text.push('.');
                text.push_str(payload_b64);
                text
            }
            Body::Template(t) => template_prefix(t, capacity),
        };
        text.push_str(&issuer.b64);
        text
    }

    /// Signs a token issued now by the system clock.
    ///
    /// # Errors
    /// [`Error::Clock`] if the system clock reads before 1970.
    pub fn sign(&self, credentials: &Credentials) -> Result<Token, Error> {
        Ok(self.sign_at(credentials, limits::now()?))
    }
}

/// The header, `.`, and the base64url of a template policy's part of the payload, in a text of
/// `capacity`. Not inlined into `unsigned_prefix`: the copy of a precomputed run, which policies
/// of the builder and of literals take, stays as short as it was without templates (measured).
#[inline(never)]
fn template_prefix(t: &TemplateBody, capacity: usize) -> String {
    let mut bytes = Vec::with_capacity(capacity);
    bytes.extend_from_slice(HEADER_B64.as_bytes());
    bytes.push(b'.');
    let mut w = B64Writer::new(&mut bytes);
    t.template.write(&t.holes, &mut w);
    debug_assert_eq!(
        w.carried(),
        &PAYLOAD_ISS.as_bytes()[PAYLOAD_ISS.len() - w.carried().len()..]
    );
    debug_assert_eq!(w.carried().len(), payload_tail_len(t.scope_len));
    // `issuer` encodes them.
    w.drop_carried();
    into_text(bytes)
}

/// The end of a payload, encoded per token: the 0 to 2 bytes before the expiry that do not fill a
/// base64 quantum, the expiry's digits, and `}`.
pub(crate) struct PayloadTail {
    bytes: [u8; 2 + MAX_EXP_DIGITS + PAYLOAD_END.len()],
    len: usize,
}

impl PayloadTail {
    /// `rest` (at most 2 bytes), the digits of `expires_at` (at most [`MAX_EXP`]), `}`.
    pub(crate) fn new(rest: &[u8], expires_at: u64) -> Self {
        debug_assert!(rest.len() <= 2 && expires_at <= MAX_EXP);
        let mut bytes = [0u8; 2 + MAX_EXP_DIGITS + PAYLOAD_END.len()];
        let mut len = 0;
        for &b in rest
            .iter()
            .chain(itoa::Buffer::new().format(expires_at).as_bytes())
            .chain(PAYLOAD_END.as_bytes())
        {
            bytes[len] = b;
            len += 1;
        }
        Self { bytes, len }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
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
