//! Verifying: `Credentials::verify_at` and the `VerifiedToken` it returns; the reading of a
//! capability token's header and claims, which `inspect` shares.

use std::borrow::Cow;

use crate::capability::credentials::Credentials;
use crate::capability::grants::Grants;
use crate::capability::scope;
use crate::error::{Error, TokenPart};
use crate::jwt::claims::{self, Registered};
use crate::jwt::json::{str_field, Field, Findings};
use crate::jwt::{self, Decoded, Header};
use crate::limits;
use crate::shown::Truncated;
use crate::sid::AccountSid;

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
    /// ([`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN)), the JWT shape (three unpadded base64url
    /// segments), the header (`alg` exactly `HS256`, no `crit`, no `cty` of an Access Token),
    /// the HMAC-SHA256 signature (compared in constant time), the claims (`scope` and `iss`
    /// strings, `exp` and the optional `nbf`/`iat` integers, no key twice, at most
    /// [`MAX_OTHER_MEMBERS`](crate::MAX_OTHER_MEMBERS) others), the issuer, the lifetime (with
    /// [`leeway`](Credentials::with_leeway)), and the scope URIs. Scope URIs of other services
    /// (at most [`MAX_OTHER_SCOPES`](crate::MAX_OTHER_SCOPES)) are kept in
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
        let segments = jwt::split(token)?;
        check_header(&mut Header::read(segments.header, &mut Decoded::default())?)?;
        jwt::check_signature(&segments, self.verifying_keys(), |key, input| {
            key.tag(input)
        })?;
        let mut buf: Decoded = Decoded::default();
        let mut claims = read_payload(buf.text(segments.payload, TokenPart::Payload)?)?;
        claims.findings.check_duplicate(TokenPart::Payload)?;
        let scope = claims.scope()?;
        let iss = std::mem::take(&mut claims.registered.iss).required("iss")?;
        let times = claims.registered.times()?;
        // As bytes: a SID's `as_str` checks its UTF-8 again.
        if iss.as_bytes() != self.account_sid().as_bytes() {
            return Err(Error::WrongIssuer {
                found: iss.into_owned(),
                expected: self.account_sid().to_string(),
            });
        }
        times.check(now, self.leeway_secs())?;
        Ok(VerifiedToken {
            account_sid: *self.account_sid(),
            expires_at: times.expires_at,
            not_before: times.not_before,
            issued_at: times.issued_at,
            grants: scope::decode(&scope)?,
        })
    }

    /// Verifies a token now, by the system clock. See [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at), and [`Error::Clock`] if the clock reads before 1970.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, Error> {
        self.verify_at(token, limits::now()?)
    }
}

/// The header rules of a capability token: those of every header, and no `cty` of an Access
/// Token in any spelling (whose claims a capability verifier would not read).
///
/// # Errors
/// The first rule the header breaks.
pub(crate) fn check_header(header: &mut Header<'_>) -> Result<(), Error> {
    header.check_common()?;
    if header.is_access() {
        let found = match &header.cty {
            Field::Present(cty) => format!("`{}`", Truncated(cty)),
            _ => String::new(),
        };
        return Err(Error::InvalidHeader {
            member: "cty",
            expected: "no `cty`, or one other than `twilio-fpa` (`twilio-fpa;v=1`, in any \
                       spelling), which marks an Access Token: verify it with an `ApiKey`",
            found,
        });
    }
    Ok(())
}

/// The claims of a capability token, as read.
#[derive(Debug, Default)]
pub(crate) struct CapabilityClaims<'a> {
    pub(crate) registered: Registered<'a>,
    scope: Field<Cow<'a, str>>,
    pub(crate) findings: Findings,
}

impl<'a> CapabilityClaims<'a> {
    /// The `scope` claim, which a capability token must have.
    ///
    /// # Errors
    /// [`Error::MissingClaim`] or [`Error::InvalidClaim`].
    pub(crate) fn scope(&mut self) -> Result<Cow<'a, str>, Error> {
        std::mem::take(&mut self.scope).required("scope")
    }
}

/// Reads a payload's JSON text as a capability token's claims.
///
/// # Errors
/// Malformed JSON, or too many members ([`Error::Malformed`]).
#[inline]
pub(crate) fn read_payload(text: &str) -> Result<CapabilityClaims<'_>, Error> {
    let mut scope = Field::Missing;
    let mut findings = Findings::default();
    let registered = claims::read(text, &mut findings, &["scope"], |_, r, findings| {
        scope = str_field(r, findings)?;
        Ok(())
    })?;
    Ok(CapabilityClaims {
        registered,
        scope,
        findings,
    })
}
