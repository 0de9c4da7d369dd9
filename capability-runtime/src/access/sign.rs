//! Signing: `AccessPolicy::sign_at`, twilio-php's bytes.

use crate::access::api_key::ApiKey;
use crate::access::policy::{AccessBody, AccessPolicy};
use crate::error::Error;
use crate::jwt::base64url::push_encoded;
use crate::jwt::token::Token;
use crate::limits::{self, b64_len, expiry, TAG_B64_LEN};
use crate::template::{into_text, B64Writer};

/// Up to 24 bytes, built on the stack: the parts of the payload encoded at signing time.
struct Chunk {
    bytes: [u8; 24],
    len: usize,
}

impl Chunk {
    fn new() -> Self {
        Self {
            bytes: [0; 24],
            len: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        // The callers push at most 2 + 20 + 2 bytes.
        let end = (self.len + bytes.len()).min(self.bytes.len());
        self.bytes[self.len..end].copy_from_slice(&bytes[..end - self.len]);
        self.len = end;
    }

    /// The bytes still needed to fill a base64 quantum: 0, 1 or 2.
    fn shortfall(&self) -> usize {
        (3 - self.len % 3) % 3
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl AccessPolicy {
    /// Signs an Access Token issued at `issued_at` (Unix seconds), valid until
    /// `issued_at + ttl`: the bytes twilio-php's `AccessToken::toJWT` gives for the same policy,
    /// key and time.
    ///
    /// Never panics: an expiry past [`MAX_EXP`](crate::MAX_EXP) is clamped to it. Makes one allocation, the
    /// token's text.
    ///
    /// ```
    /// use capability_runtime::{AccessPolicy, ApiKey, Identity, VideoGrant};
    ///
    /// let key = ApiKey::new(
    ///     "AC0123456789abcdef0123456789abcdef",
    ///     "SK0123456789abcdef0123456789abcdef",
    ///     "0123456789abcdef0123456789abcdef",
    /// )?;
    /// let policy = AccessPolicy::builder()
    ///     .identity(Identity::new("alice")?)
    ///     .video(VideoGrant::new().room("DailyStandup"))
    ///     .build()?;
    /// let token = policy.sign_at(&key, 1_700_000_000);
    /// assert_eq!(token.expires_at(), 1_700_003_600);
    /// assert_eq!(
    ///     token.as_str(),
    ///     "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0.\
    ///      eyJqdGkiOiJTSzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmLTE3MDAwMDAwMDAiLCJpc3MiOiJTSzAx\
    ///      MjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwic3ViIjoiQUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4\
    ///      OWFiY2RlZiIsImV4cCI6MTcwMDAwMzYwMCwiZ3JhbnRzIjp7ImlkZW50aXR5IjoiYWxpY2UiLCJ2aWRlbyI6eyJy\
    ///      b29tIjoiRGFpbHlTdGFuZHVwIn19fQ.\
    ///      Aro8ScjdXUqwKzH1LQTcTvgYWNrmTDOCnn6P1m4iWBQ"
    /// );
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    pub fn sign_at(&self, key: &ApiKey, issued_at: u64) -> Token {
        let expires_at = expiry(issued_at, self.ttl_secs());
        let mut digits = itoa::Buffer::new();

        // `-<issued_at>` after `{"jti":"<key>` (whole quanta, precomputed), and the first 0 to 2
        // bytes of the key's middle part to fill the last quantum.
        let mut first = Chunk::new();
        first.push(b"-");
        first.push(digits.format(issued_at).as_bytes());
        let borrowed = first.shortfall();
        first.push(&ApiKey::MIDDLE_HEAD[..borrowed]);
        let middle = key.middle(borrowed);

        // The rest of the middle part and the expiry; then the claims from `,"grants":` on.
        let mut second = Chunk::new();
        second.push(middle.rest());
        second.push(digits.format(expires_at).as_bytes());

        let header = self.header_b64();
        let tail_len = match self.body() {
            AccessBody::Encoded { tail, .. } => tail.len(),
            AccessBody::Template(t) => t.tail_len,
        };
        // The exact length: the text is allocated once, and never grows.
        let capacity = header.len()
            + 1
            + key.jti_b64().len()
            + b64_len(first.len)
            + middle.b64.len()
            + b64_len(second.len + tail_len)
            + 1
            + TAG_B64_LEN;
        let mut text = match self.body() {
            // The first 0 to 2 bytes of the tail fill the quantum; the rest is precomputed.
            AccessBody::Encoded { tail, tail_b64, .. } => {
                let mut text = String::with_capacity(capacity);
                text.push_str(header);
                text.push('.');
                text.push_str(key.jti_b64());
                push_encoded(&mut text, first.as_bytes());
                text.push_str(&middle.b64);
                let shift = second.shortfall();
                second.push(tail.as_bytes().get(..shift).unwrap_or_default());
                push_encoded(&mut text, second.as_bytes());
                text.push_str(&tail_b64[shift % 3]);
                text
            }
            // The template's runs and holes, carried on from the expiry.
            AccessBody::Template(t) => {
                let mut bytes = Vec::with_capacity(capacity);
                bytes.extend_from_slice(header.as_bytes());
                bytes.push(b'.');
                bytes.extend_from_slice(key.jti_b64().as_bytes());
                B64Writer::new(&mut bytes).bytes_to_end(first.as_bytes());
                bytes.extend_from_slice(middle.b64.as_bytes());
                let mut w = B64Writer::new(&mut bytes);
                w.bytes(second.as_bytes());
                t.template.write(self.identity(), &t.holes, &mut w);
                w.finish();
                into_text(bytes)
            }
        };

        // Every header starts with the same 64 bytes, which the key has hashed once, and most
        // tokens with the next 64 too.
        let tag = key.tag_of(text.as_bytes());
        text.push('.');
        push_encoded(&mut text, &tag);
        debug_assert_eq!(text.len(), text.capacity());
        Token::new(text, expires_at)
    }

    /// Signs an Access Token issued now by the system clock.
    ///
    /// # Errors
    /// [`Error::Clock`] if the system clock reads before 1970.
    pub fn sign(&self, key: &ApiKey) -> Result<Token, Error> {
        Ok(self.sign_at(key, limits::now()?))
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use super::*;
    use crate::access::{Region, VideoGrant};
    use crate::identity::Identity;
    use crate::limits::MAX_EXP;

    const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
    const KEY: &str = "SK0123456789abcdef0123456789abcdef";

    #[test]
    fn every_alignment_matches_a_plain_encoding_of_the_payload() {
        let key = ApiKey::new(ACCOUNT, KEY, "secret").unwrap();
        let mut shifts = std::collections::BTreeSet::new();
        let mut times: Vec<u64> = (0..20)
            .flat_map(|k| [10u64.pow(k) - 1, 10u64.pow(k)])
            .collect();
        times.extend([1_700_000_000, MAX_EXP - 1, MAX_EXP, u64::MAX]);
        for room in ["a", "ab", "abc"] {
            for region in [None, Some(Region::from_static("ie1"))] {
                for ttl in [1, 100, 3600, 86_400] {
                    let mut builder = AccessPolicy::builder()
                        .identity(Identity::from_static("alice"))
                        .video(VideoGrant::new().room(room))
                        .ttl(std::time::Duration::from_secs(ttl));
                    if let Some(region) = region.clone() {
                        builder = builder.region(region);
                    }
                    let policy = builder.build().unwrap();
                    for &issued_at in &times {
                        let token = policy.sign_at(&key, issued_at);
                        check(&policy, &region, issued_at, &token);
                        let now_len = 1 + issued_at.to_string().len();
                        let borrowed = (3 - now_len % 3) % 3;
                        let second =
                            key.middle(borrowed).rest.1 + token.expires_at().to_string().len();
                        shifts.insert((borrowed, (3 - second % 3) % 3));
                    }
                }
            }
        }
        // Every combination of the two alignments was exercised.
        assert_eq!(shifts.len(), 9, "{shifts:?}");
    }

    /// The token is twilio-php's, signed with the key `secret`.
    fn check(policy: &AccessPolicy, region: &Option<Region>, issued_at: u64, token: &Token) {
        let payload = format!(
            r#"{{"jti":"{KEY}-{issued_at}","iss":"{KEY}","sub":"{ACCOUNT}","exp":{}{}"#,
            token.expires_at(),
            policy.tail()
        );
        let header = match region {
            None => r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#.to_owned(),
            Some(r) => {
                format!(r#"{{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1","twr":"{r}"}}"#)
            }
        };
        let (unsigned, tag) = token.as_str().rsplit_once('.').unwrap();
        assert_eq!(
            unsigned,
            format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(payload)
            )
        );
        // The `hmac` crate's HMAC-SHA256, keyed with the secret every test here uses.
        use hmac::{KeyInit, Mac};
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(unsigned.as_bytes());
        assert_eq!(tag, URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
    }

    #[test]
    fn expiry_is_clamped() {
        let key = ApiKey::new(ACCOUNT, KEY, "secret").unwrap();
        let policy = AccessPolicy::builder()
            .identity(Identity::from_static("alice"))
            .build()
            .unwrap();
        assert_eq!(policy.sign_at(&key, u64::MAX).expires_at(), MAX_EXP);
        assert_eq!(policy.sign_at(&key, MAX_EXP - 1).expires_at(), MAX_EXP);
    }
}
