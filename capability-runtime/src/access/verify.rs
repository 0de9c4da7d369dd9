//! Verifying: `ApiKey::verify_at` and the `VerifiedAccessToken` it returns.

use base64::Engine as _;

use crate::access::api_key::ApiKey;
use crate::access::decode::{self, AccessClaims, AccessHeader, Findings};
use crate::access::encode::CONTENT_TYPE;
use crate::access::grants::AccessGrants;
use crate::access::identity::Identity;
use crate::access::reader::SyntaxError;
use crate::access::region::Region;
use crate::base64url::BASE64URL;
use crate::credentials;
use crate::error::{Error, Malformed, TokenPart, Truncated};
use crate::json::Field;
use crate::policy::MAX_TOKEN_LEN;
use crate::sid::{AccountSid, ApiKeySid};
use crate::verify::{check_common_header, optional, required, utf8};
use crate::wire::TAG_LEN;

/// The headers every official library writes for a token without a region, base64url-encoded:
/// twilio-php's (`typ`, `alg`, `cty`), twilio-python's (sorted) and twilio-node's (`alg`, `typ`,
/// `cty`). A token with one of them skips the header's decoding; any other header is decoded
/// and checked.
const STANDARD_HEADERS_B64: [&str; 3] = [
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0",
    "eyJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIiwidHlwIjoiSldUIn0",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0",
];

/// The longest payload decoded on the stack, in bytes.
const STACK_PAYLOAD: usize = 1536;

/// An Access Token whose signature, issuer, account and lifetime were checked, with what it
/// grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedAccessToken {
    account_sid: AccountSid,
    api_key_sid: ApiKeySid,
    identity: Option<Identity>,
    grants: AccessGrants,
    region: Option<Region>,
    expires_at: u64,
    not_before: Option<u64>,
    issued_at: Option<u64>,
}

impl VerifiedAccessToken {
    /// The account the token is for (its `sub`).
    pub fn account_sid(&self) -> &AccountSid {
        &self.account_sid
    }

    /// The API key that issued the token (its `iss`).
    pub fn api_key_sid(&self) -> &ApiKeySid {
        &self.api_key_sid
    }

    /// Who the token is for (`grants.identity`). Tokens without one (which twilio-php and
    /// twilio-python can make) have none.
    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    /// What the token grants.
    pub fn grants(&self) -> &AccessGrants {
        &self.grants
    }

    /// The region of the token (its `twr` header).
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// When the token expires (`exp`), in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The `nbf` claim, which twilio-python adds by default.
    pub fn not_before(&self) -> Option<u64> {
        self.not_before
    }

    /// The `iat` claim, which twilio-node adds.
    pub fn issued_at(&self) -> Option<u64> {
        self.issued_at
    }
}

impl ApiKey {
    /// Verifies an Access Token at time `now` (Unix seconds) and reads what it grants.
    ///
    /// Accepts the tokens of every official Twilio library. Checks, in order: the size limit
    /// ([`MAX_TOKEN_LEN`]), the JWT shape (three unpadded base64url segments), the header (`alg`
    /// exactly `HS256`, no `crit`, `cty` exactly `twilio-fpa;v=1`, `typ` absent or `JWT`, `twr`
    /// absent, null or a region code), the HMAC-SHA256 signature (compared in constant time),
    /// the claims (no key twice at any level, `iss`, `sub` and `jti` strings, `exp` and the
    /// optional `nbf`/`iat` integers, `grants` an object), the issuer (`iss` is the key's SID),
    /// the account (`sub`), the lifetime (with [`leeway`](ApiKey::with_leeway)), and the grants.
    /// Grants this library does not know are kept in [`AccessGrants::other_grants`].
    ///
    /// ```
    /// use capability_runtime::{AccessPolicy, ApiKey, Identity, VideoGrant};
    ///
    /// let key = ApiKey::new("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", "secret")?;
    /// let policy = AccessPolicy::builder()
    ///     .identity(Identity::new("alice")?)
    ///     .video(VideoGrant::new().room("DailyStandup"))
    ///     .build()?;
    /// let token = policy.sign_at(&key, 1000);
    /// let verified = key.verify_at(token.as_str(), 1001)?;
    /// assert_eq!(verified.identity().unwrap(), "alice");
    /// assert_eq!(verified.grants(), policy.grants());
    /// assert!(key.verify_at(token.as_str(), 1000 + 3600).is_err()); // expired
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    /// A distinct [`Error`] for each check that fails.
    pub fn verify_at(&self, token: &str, now: u64) -> Result<VerifiedAccessToken, Error> {
        self.verify_with(token, now, true)
    }

    /// Not public API: [`verify_at`](Self::verify_at) without its fast paths (the standard
    /// headers known by heart, the claims and grants as this key and twilio-php write them),
    /// every part read by the general readers. The fast paths must give exactly the same result
    /// for every input; the tests and the fuzz target compare the two.
    #[doc(hidden)]
    pub fn __verify_at_general(&self, token: &str, now: u64) -> Result<VerifiedAccessToken, Error> {
        self.verify_with(token, now, false)
    }

    fn verify_with(&self, token: &str, now: u64, fast: bool) -> Result<VerifiedAccessToken, Error> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Error::TokenTooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        let bytes = token.as_bytes();
        let segments = || {
            Error::Malformed(Malformed::Segments {
                found: memchr::memchr_iter(b'.', bytes).count() + 1,
            })
        };
        let (Some(first), Some(last)) = (memchr::memchr(b'.', bytes), memchr::memrchr(b'.', bytes))
        else {
            return Err(segments());
        };
        if first == last || memchr::memchr(b'.', &bytes[first + 1..last]).is_some() {
            return Err(segments());
        }
        let (header, payload, signature) =
            (&token[..first], &token[first + 1..last], &token[last + 1..]);

        let region = if fast && STANDARD_HEADERS_B64.contains(&header) {
            None
        } else {
            check_header(header)?
        };

        // The key that signed: this one, or the secondary during a rotation. Its own `iss`,
        // claims and leeway are checked below. A signature that matches neither is decoded
        // only to say how it is wrong.
        let Some(key) = self.signer_of(&bytes[..last], signature.as_bytes()) else {
            let mut tag = [0u8; TAG_LEN];
            return Err(match BASE64URL.decode_slice(signature, &mut tag) {
                Ok(_) | Err(base64::DecodeSliceError::OutputSliceTooSmall) => Error::BadSignature,
                Err(_) => Error::Malformed(Malformed::Base64(TokenPart::Signature)),
            });
        };

        // Decoded on the stack when it fits (most tokens), else on the heap.
        let mut stack = [0u8; STACK_PAYLOAD];
        let mut heap = Vec::new();
        let buffer = match (payload.len() / 4 + 1) * 3 {
            len if len <= STACK_PAYLOAD => &mut stack[..],
            len => {
                heap.resize(len, 0);
                &mut heap[..]
            }
        };
        let len = BASE64URL
            .decode_slice(payload, buffer)
            .map_err(|_| Error::Malformed(Malformed::Base64(TokenPart::Payload)))?;
        let text = utf8(&buffer[..len], TokenPart::Payload)?;
        let mut claims = AccessClaims::default();
        let canonical = fast
            .then(|| {
                decode::read_canonical_claims(
                    text,
                    key.payload_head(),
                    key.payload_middle(),
                    &mut claims,
                )
            })
            .flatten();
        let read = match canonical {
            Some(read) => read,
            None => {
                claims = AccessClaims::default();
                decode::read_claims(text, &mut claims)
            }
        };
        read.map_err(|e| json_error(&e, text, TokenPart::Payload))?;
        let times = key.check_claims(&mut claims, now)?;
        // Moved once, from where they were read into the result.
        Ok(VerifiedAccessToken {
            account_sid: *key.account_sid(),
            api_key_sid: *key.api_key_sid(),
            identity: claims.grants.identity,
            grants: claims.grants.grants,
            region,
            expires_at: times.expires_at,
            not_before: times.not_before,
            issued_at: times.issued_at,
        })
    }

    /// Verifies an Access Token now, by the system clock. See [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at), and [`Error::Clock`] if the clock reads before 1970.
    pub fn verify(&self, token: &str) -> Result<VerifiedAccessToken, Error> {
        self.verify_at(token, credentials::now()?)
    }

    /// Checks the claims read, and returns their times. Takes them by reference: the grants,
    /// hundreds of bytes, are moved only into the result.
    fn check_claims(&self, claims: &mut AccessClaims<'_>, now: u64) -> Result<Times, Error> {
        let Findings { duplicate, problem } = std::mem::take(&mut claims.findings);
        if let Some(key) = duplicate {
            return Err(Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Payload,
                key,
            }));
        }
        let iss = required(std::mem::take(&mut claims.iss), "iss")?;
        let sub = required(std::mem::take(&mut claims.sub), "sub")?;
        let expires_at = required(std::mem::take(&mut claims.exp), "exp")?;
        let not_before = optional(std::mem::take(&mut claims.nbf), "nbf")?;
        let issued_at = optional(std::mem::take(&mut claims.iat), "iat")?;
        optional(std::mem::take(&mut claims.jti), "jti")?;
        if !claims.grants_present {
            return Err(Error::MissingClaim("grants"));
        }

        if iss != self.api_key_sid().as_str() {
            return Err(Error::WrongApiKey {
                found: iss.into_owned(),
                expected: self.api_key_sid().to_string(),
            });
        }
        if sub != self.account_sid().as_str() {
            return Err(Error::WrongAccount {
                found: sub.into_owned(),
                expected: self.account_sid().to_string(),
            });
        }
        let leeway = self.leeway_secs();
        if now.saturating_sub(leeway) >= expires_at {
            return Err(Error::Expired {
                expired_at: expires_at,
                now,
            });
        }
        if let Some(nbf) = not_before {
            if now.saturating_add(leeway) < nbf {
                return Err(Error::NotYetValid {
                    not_before: nbf,
                    now,
                });
            }
        }
        if let Some(problem) = problem {
            return Err(problem);
        }
        Ok(Times {
            expires_at,
            not_before,
            issued_at,
        })
    }
}

/// The times of a token whose claims were checked.
struct Times {
    expires_at: u64,
    not_before: Option<u64>,
    issued_at: Option<u64>,
}

/// Checks a header other than the standard ones, and reads its region.
pub(crate) fn check_header(segment: &str) -> Result<Option<Region>, Error> {
    let bytes = BASE64URL
        .decode(segment)
        .map_err(|_| Error::Malformed(Malformed::Base64(TokenPart::Header)))?;
    let text = utf8(&bytes, TokenPart::Header)?;
    let mut header = AccessHeader::default();
    decode::read_header(text, &mut header).map_err(|e| json_error(&e, text, TokenPart::Header))?;
    check_common_header(header.findings.duplicate, header.alg, header.crit)?;
    let invalid = |member, expected, found: String| Error::InvalidHeader {
        member,
        expected,
        found,
    };
    let shown = |value: &str| format!("`{}`", Truncated(value));
    match header.cty {
        Field::Present(cty) if cty == CONTENT_TYPE => {}
        Field::Present(cty) => return Err(invalid("cty", "`twilio-fpa;v=1`", shown(&cty))),
        Field::Missing => return Err(invalid("cty", "`twilio-fpa;v=1`", "missing".into())),
        Field::Invalid(found) => return Err(invalid("cty", "`twilio-fpa;v=1`", found.into())),
    }
    const TYP: &str = "`JWT`, or no `typ`";
    match header.typ {
        Field::Missing => {}
        Field::Present(typ) if typ == "JWT" => {}
        Field::Present(typ) => return Err(invalid("typ", TYP, shown(&typ))),
        Field::Invalid(found) => return Err(invalid("typ", TYP, found.into())),
    }
    const TWR: &str = "a region code such as `us1`, null, or no `twr`";
    match header.twr {
        Field::Missing | Field::Present(None) => Ok(None),
        // C#'s library writes an empty region as `""`.
        Field::Present(Some(twr)) if twr.is_empty() => Ok(None),
        Field::Present(Some(twr)) => match Region::new(&twr) {
            Ok(region) => Ok(Some(region)),
            Err(_) => Err(invalid("twr", TWR, shown(&twr))),
        },
        Field::Invalid(found) => Err(invalid("twr", TWR, found.into())),
    }
}

pub(crate) fn json_error(e: &SyntaxError, text: &str, part: TokenPart) -> Error {
    Error::Malformed(Malformed::Json {
        part,
        detail: e.detail(text),
    })
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    #[test]
    fn the_standard_headers_are_what_the_general_path_accepts_without_a_region() {
        for (b64, json) in STANDARD_HEADERS_B64.iter().zip([
            r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#,
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","typ":"JWT"}"#,
            r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}"#,
        ]) {
            assert_eq!(*b64, URL_SAFE_NO_PAD.encode(json));
            assert_eq!(check_header(b64), Ok(None));
        }
    }
}
