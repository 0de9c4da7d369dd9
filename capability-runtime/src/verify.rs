//! Verifying: `Credentials::verify_at` and the `VerifiedToken` it returns.

use base64::Engine as _;

use crate::base64url::BASE64URL;
use crate::credentials::{self, Credentials};
use crate::error::{Error, Malformed, TokenPart};
use crate::grants::Grants;
use crate::json::{Claims, Field, Header};
use crate::policy::MAX_TOKEN_LEN;
use crate::scope;
use crate::sid::AccountSid;
use crate::token::HEADER_B64;

/// base64url of `{"alg":"HS256","typ":"JWT"}`, the header of twilio-python and twilio-node.
const HEADER_B64_JOSE_ORDER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// A token whose signature, issuer and lifetime were checked, with what it grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedToken {
    account_sid: AccountSid,
    expires_at: u64,
    not_before: Option<u64>,
    issued_at: Option<u64>,
    grants: Grants,
}

impl VerifiedToken {
    /// The account that issued the token (its `iss`).
    pub fn account_sid(&self) -> &AccountSid {
        &self.account_sid
    }

    /// When the token expires (`exp`), in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The `nbf` claim, which twilio-python and twilio-ruby add.
    pub fn not_before(&self) -> Option<u64> {
        self.not_before
    }

    /// The `iat` claim, which twilio-node adds.
    pub fn issued_at(&self) -> Option<u64> {
        self.issued_at
    }

    /// What the token grants.
    pub fn grants(&self) -> &Grants {
        &self.grants
    }
}

impl Credentials {
    /// Verifies a capability token at time `now` (Unix seconds) and reads what it grants.
    ///
    /// Accepts the tokens of every official Twilio library. Checks, in order: the size limit
    /// ([`MAX_TOKEN_LEN`]), the JWT shape (three unpadded base64url segments), the header
    /// (`alg` exactly `HS256`, no `crit`), the HMAC-SHA256 signature (compared in constant time),
    /// the claims (`scope` and `iss` strings, `exp` and the optional `nbf`/`iat` integers, no key
    /// twice), the issuer, the lifetime (with [`leeway`](Credentials::with_leeway)), and the
    /// scope URIs. Scope URIs of other services are kept in
    /// [`Grants::other_scopes`].
    ///
    /// ```
    /// use capability_runtime::{ClientName, Credentials, Policy};
    ///
    /// let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "secret")?;
    /// let token = Policy::builder().incoming(ClientName::new("Alice")?).build()?.sign_at(&credentials, 1000);
    /// let verified = credentials.verify_at(token.as_str(), 1001)?;
    /// assert_eq!(verified.grants().incoming().unwrap(), "Alice");
    /// assert!(credentials.verify_at(token.as_str(), 1000 + 3600).is_err()); // expired
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    /// A distinct [`Error`] for each check that fails.
    pub fn verify_at(&self, token: &str, now: u64) -> Result<VerifiedToken, Error> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Error::TokenTooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        let bytes = token.as_bytes();
        let dots = memchr::memchr_iter(b'.', bytes).count();
        let (Some(first), Some(last), 2) = (
            memchr::memchr(b'.', bytes),
            memchr::memrchr(b'.', bytes),
            dots,
        ) else {
            return Err(Error::Malformed(Malformed::Segments { found: dots + 1 }));
        };
        let (header, payload, signature) =
            (&token[..first], &token[first + 1..last], &token[last + 1..]);

        if header != HEADER_B64 && header != HEADER_B64_JOSE_ORDER {
            check_header(header)?;
        }

        let mut tag = [0u8; 32];
        match BASE64URL.decode_slice(signature, &mut tag) {
            Ok(32) => {}
            Ok(_) | Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
                return Err(Error::BadSignature)
            }
            Err(_) => return Err(Error::Malformed(Malformed::Base64(TokenPart::Signature))),
        }
        let signing_input = &token.as_bytes()[..header.len() + 1 + payload.len()];
        if !self.tag_matches(signing_input, &tag) {
            return Err(Error::BadSignature);
        }

        let payload = decode(payload, TokenPart::Payload)?;
        let claims: Claims<'_> = parse_json(&payload, TokenPart::Payload)?;
        self.check_claims(claims, now)
    }

    /// Verifies a token now, by the system clock. See [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at), and [`Error::Clock`] if the clock reads before 1970.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, Error> {
        self.verify_at(token, credentials::now()?)
    }

    fn check_claims(&self, claims: Claims<'_>, now: u64) -> Result<VerifiedToken, Error> {
        if let Some(key) = claims.duplicate {
            return Err(Error::Malformed(Malformed::DuplicateKey {
                part: TokenPart::Payload,
                key,
            }));
        }
        let scope = required(claims.scope, "scope")?;
        let iss = required(claims.iss, "iss")?;
        let expires_at = required(claims.exp, "exp")?;
        let not_before = optional(claims.nbf, "nbf")?;
        let issued_at = optional(claims.iat, "iat")?;

        if iss != self.account_sid().as_str() {
            return Err(Error::WrongIssuer {
                found: iss.into_owned(),
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
        Ok(VerifiedToken {
            account_sid: *self.account_sid(),
            expires_at,
            not_before,
            issued_at,
            grants: scope::parse(&scope)?,
        })
    }
}

/// Checks a header other than the two every official library writes.
pub(crate) fn check_header(segment: &str) -> Result<(), Error> {
    let bytes = decode(segment, TokenPart::Header)?;
    let header: Header<'_> = parse_json(&bytes, TokenPart::Header)?;
    if let Some(key) = header.duplicate {
        return Err(Error::Malformed(Malformed::DuplicateKey {
            part: TokenPart::Header,
            key,
        }));
    }
    match header.alg {
        Field::Present(alg) if alg == "HS256" => {}
        Field::Present(alg) => {
            return Err(Error::UnsupportedAlgorithm {
                alg: alg.into_owned(),
            })
        }
        Field::Missing | Field::Invalid(_) => {
            return Err(Error::Malformed(Malformed::Json {
                part: TokenPart::Header,
                detail: "`alg` must be a string".into(),
            }))
        }
    }
    if header.crit {
        return Err(Error::CriticalHeader);
    }
    Ok(())
}

/// Decodes a segment.
pub(crate) fn decode(segment: &str, part: TokenPart) -> Result<Vec<u8>, Error> {
    BASE64URL
        .decode(segment)
        .map_err(|_| Error::Malformed(Malformed::Base64(part)))
}

pub(crate) fn parse_json<'a, T: serde::Deserialize<'a>>(
    bytes: &'a [u8],
    part: TokenPart,
) -> Result<T, Error> {
    // One UTF-8 check of the whole text: serde_json then reads its strings without checking each.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::Malformed(Malformed::Json {
            part,
            detail: format!("not UTF-8: {e}"),
        })
    })?;
    serde_json::from_str(text).map_err(|e| {
        Error::Malformed(Malformed::Json {
            part,
            detail: json_detail(&e),
        })
    })
}

/// serde_json's message, cut short: it quotes the token's text (`invalid type: string "…"`), and
/// a hostile token must not fill a log. The position is kept.
pub(crate) fn json_detail(e: &serde_json::Error) -> String {
    const MAX_CHARS: usize = 128;
    let full = e.to_string();
    if full.chars().count() <= MAX_CHARS {
        return full;
    }
    let position = match e.line() {
        0 => String::new(),
        line => format!(" at line {line} column {}", e.column()),
    };
    let message = full.strip_suffix(position.as_str()).unwrap_or(&full);
    let head: String = message.chars().take(MAX_CHARS).collect();
    format!("{head}…{position}")
}

pub(crate) fn required<T>(field: Field<T>, claim: &'static str) -> Result<T, Error> {
    match field {
        Field::Present(v) => Ok(v),
        Field::Missing => Err(Error::MissingClaim(claim)),
        Field::Invalid(found) => Err(Error::InvalidClaim { claim, found }),
    }
}

pub(crate) fn optional<T>(field: Field<T>, claim: &'static str) -> Result<Option<T>, Error> {
    match field {
        Field::Present(v) => Ok(Some(v)),
        Field::Missing => Ok(None),
        Field::Invalid(found) => Err(Error::InvalidClaim { claim, found }),
    }
}
