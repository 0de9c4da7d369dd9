//! Verifying: `Credentials::verify_at` and the `VerifiedToken` it returns.

use crate::base64url;
use crate::credentials::{self, AuthKey, Credentials};
use crate::error::{Error, Malformed, TokenPart};
use crate::grants::Grants;
use crate::json::{read_claims, read_header, Claims, Field, ReadError, MAX_OTHER_MEMBERS};
use crate::mac::equal_in_constant_time;
use crate::policy::MAX_TOKEN_LEN;
use crate::scope;
use crate::sid::AccountSid;
use crate::wire::{HEADER_B64, HEADER_B64_JOSE_ORDER, TAG_B64_LEN, TAG_LEN};

/// Payloads up to this many bytes are decoded on the stack, longer ones into one allocation.
const STACK_PAYLOAD: usize = 1024;

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
    /// twice, at most [`MAX_OTHER_MEMBERS`](crate::MAX_OTHER_MEMBERS) others), the issuer, the
    /// lifetime (with [`leeway`](Credentials::with_leeway)), and the scope URIs. Scope URIs of
    /// other services (at most [`MAX_OTHER_SCOPES`](crate::MAX_OTHER_SCOPES)) are kept in
    /// [`Grants::other_scopes`]. The work is linear in the token's length, whatever it holds.
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
        self.verify_with(token, now, true)
    }

    /// Not public API: [`verify_at`](Self::verify_at) without its fast paths (the standard
    /// headers known by heart, the claims in twilio-php's order, scope URIs in twilio-php's
    /// form), every part read by the general readers. The fast paths must give exactly the same
    /// result for every input; the tests and the fuzz target compare the two.
    #[doc(hidden)]
    pub fn __verify_at_general(&self, token: &str, now: u64) -> Result<VerifiedToken, Error> {
        self.verify_with(token, now, false)
    }

    /// Verifies a token now, by the system clock. See [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at), and [`Error::Clock`] if the clock reads before 1970.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, Error> {
        self.verify_at(token, credentials::now()?)
    }

    fn verify_with(&self, token: &str, now: u64, fast: bool) -> Result<VerifiedToken, Error> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Error::TokenTooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        let mut result = self.verify_segments(token, now, fast);
        if let Err(e) = &mut result {
            // Not three segments is the first error a token gets. A token that verifies has
            // exactly two dots, so they are counted only once something failed.
            let dots = memchr::memchr_iter(b'.', token.as_bytes()).count();
            if dots != 2 {
                *e = Error::Malformed(Malformed::Segments { found: dots + 1 });
            }
        }
        result
    }

    /// Everything after the size check. When the token does not have exactly two dots, any
    /// error will do: [`verify_with`](Self::verify_with) replaces it.
    fn verify_segments(&self, token: &str, now: u64, fast: bool) -> Result<VerifiedToken, Error> {
        const NOT_THREE: Error = Error::Malformed(Malformed::Segments { found: 0 });
        let bytes = token.as_bytes();
        let standard = |header: &str| {
            bytes.starts_with(header.as_bytes()) && bytes.get(header.len()) == Some(&b'.')
        };
        let header_len = if fast && (standard(HEADER_B64) || standard(HEADER_B64_JOSE_ORDER)) {
            HEADER_B64.len()
        } else {
            let header_len = memchr::memchr(b'.', bytes).ok_or(NOT_THREE)?;
            check_header(&token[..header_len])?;
            header_len
        };
        let signed_len =
            header_len + 1 + memchr::memrchr(b'.', &bytes[header_len + 1..]).ok_or(NOT_THREE)?;
        let (payload, signature) = (&token[header_len + 1..signed_len], &token[signed_len + 1..]);

        // The tag is compared as text: its base64url, canonical, against the signature, in
        // constant time. Equal texts are equal tags; encoding costs less than decoding. During a
        // rotation, a signature that is not the primary key's is compared with the secondary's
        // (so a forgery costs the same whatever its bytes). A signature that matches neither is
        // decoded only to say how it is wrong.
        let signed_by = |key: &AuthKey| {
            let mut expected = [0u8; TAG_B64_LEN];
            base64url::encode_slice(&key.tag(&bytes[..signed_len]), &mut expected);
            equal_in_constant_time(&expected, signature.as_bytes())
        };
        if !self.verifying_keys().any(signed_by) {
            let mut tag = [0u8; TAG_LEN];
            return Err(match base64url::decode_slice(signature, &mut tag) {
                Ok(_) | Err(base64::DecodeSliceError::OutputSliceTooSmall) => Error::BadSignature,
                Err(_) => Error::Malformed(Malformed::Base64(TokenPart::Signature)),
            });
        }

        // Decoded on the stack when it is short, as most are: what the token grants is copied out
        // of it.
        let mut stack = [0u8; STACK_PAYLOAD];
        let heap;
        let payload = match base64::decoded_len_estimate(payload.len()) <= STACK_PAYLOAD {
            true => match base64url::decode_slice(payload, &mut stack) {
                Ok(len) => &stack[..len],
                Err(_) => return Err(Error::Malformed(Malformed::Base64(TokenPart::Payload))),
            },
            false => {
                heap = decode(payload, TokenPart::Payload)?;
                &heap[..]
            }
        };
        let payload = utf8(payload, TokenPart::Payload)?;
        let claims = match fast.then(|| Claims::read_php_order(payload)).flatten() {
            Some(claims) => claims,
            None => read_claims(payload).map_err(|e| read_error(e, TokenPart::Payload))?,
        };
        self.check_claims(claims, now, fast)
    }

    fn check_claims(
        &self,
        claims: Claims<'_>,
        now: u64,
        fast: bool,
    ) -> Result<VerifiedToken, Error> {
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
        // Accepted until `exp + leeway - 1`; no end when that is past `u64::MAX`.
        if expires_at.checked_add(leeway).is_some_and(|end| now >= end) {
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
        let mut verified = VerifiedToken {
            account_sid: *self.account_sid(),
            expires_at,
            not_before,
            issued_at,
            grants: Grants::default(),
        };
        scope::decode_into(&scope, fast, &mut verified.grants)?;
        Ok(verified)
    }
}

/// The error of a header whose `alg` is `found` ("missing", or a JSON type) instead of a string.
/// The checks every JOSE header gets, capability token or Access Token: no key twice, `alg`
/// exactly `HS256`, no `crit`.
pub(crate) fn check_common_header(
    duplicate: Option<String>,
    alg: Field<std::borrow::Cow<'_, str>>,
    crit: bool,
) -> Result<(), Error> {
    if let Some(key) = duplicate {
        return Err(Error::Malformed(Malformed::DuplicateKey {
            part: TokenPart::Header,
            key,
        }));
    }
    let invalid_alg = |found: &str| Error::InvalidHeader {
        member: "alg",
        expected: "the string `HS256`",
        found: found.to_owned(),
    };
    match alg {
        Field::Present(alg) if alg == "HS256" => {}
        Field::Present(alg) => {
            return Err(Error::UnsupportedAlgorithm {
                alg: alg.into_owned(),
            })
        }
        Field::Missing => return Err(invalid_alg("missing")),
        Field::Invalid(found) => return Err(invalid_alg(found)),
    }
    if crit {
        return Err(Error::CriticalHeader);
    }
    Ok(())
}

/// Checks a header other than the two every official library writes.
pub(crate) fn check_header(segment: &str) -> Result<(), Error> {
    let bytes = decode(segment, TokenPart::Header)?;
    let header = read_header(utf8(&bytes, TokenPart::Header)?)
        .map_err(|e| read_error(e, TokenPart::Header))?;
    check_common_header(header.duplicate, header.alg, header.crit)
}

/// Decodes a segment.
pub(crate) fn decode(segment: &str, part: TokenPart) -> Result<Vec<u8>, Error> {
    base64url::decode(segment).map_err(|_| Error::Malformed(Malformed::Base64(part)))
}

/// The JSON text of a decoded segment: one UTF-8 check of the whole text, after which
/// serde_json reads its strings without checking each.
pub(crate) fn utf8(bytes: &[u8], part: TokenPart) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::Malformed(Malformed::Json {
            part,
            detail: format!("not UTF-8: {e}"),
        })
    })
}

/// Reads the claims of a payload's JSON text with the general reader.
pub(crate) fn read_payload_claims(text: &str) -> Result<Claims<'_>, Error> {
    read_claims(text).map_err(|e| read_error(e, TokenPart::Payload))
}

/// Reads one JSON object of any type from a decoded segment, as the verifier reports JSON
/// errors.
pub(crate) fn parse_json<'a, T: serde::Deserialize<'a>>(
    bytes: &'a [u8],
    part: TokenPart,
) -> Result<T, Error> {
    serde_json::from_str(utf8(bytes, part)?).map_err(|e| {
        Error::Malformed(Malformed::Json {
            part,
            detail: json_detail(&e),
        })
    })
}

fn read_error(e: ReadError, part: TokenPart) -> Error {
    Error::Malformed(match e {
        ReadError::Json(e) => Malformed::Json {
            part,
            detail: json_detail(&e),
        },
        ReadError::TooManyMembers => Malformed::TooManyMembers {
            part,
            max: MAX_OTHER_MEMBERS,
        },
    })
}

/// serde_json's message, cut short: it quotes the token's text (`invalid type: string "…"`), and
/// a hostile token must not fill a log. The position is kept.
fn json_detail(e: &serde_json::Error) -> String {
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
