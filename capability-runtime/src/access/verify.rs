//! Verifying: `ApiKey::verify_at` and the `VerifiedAccessToken` it returns; the header rules of
//! an Access Token, which `inspect` shares.

use crate::access::api_key::ApiKey;
use crate::access::decode::{self, AccessClaims};
use crate::access::grants::AccessGrants;
use crate::access::region::Region;
use crate::error::{Error, TokenPart, ACCESS_CTY_EXPECTED};
use crate::identity::Identity;
use crate::jwt::json::Field;
use crate::jwt::{self, Decoded, Header, ACCESS_CTY};
use crate::limits;
use crate::shown::Truncated;
use crate::sid::{AccountSid, ApiKeySid};

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
    /// ([`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN)), the JWT shape (three unpadded base64url
    /// segments), the header (`alg` exactly `HS256`, no `crit`, `cty` exactly `twilio-fpa;v=1`,
    /// `typ` absent or `JWT`, `twr` absent, null or a region code), the HMAC-SHA256 signature
    /// (compared in constant time), the claims (no key twice at any level, `iss`, `sub` and
    /// `jti` strings, `exp` and the optional `nbf`/`iat` integers, `grants` an object, at most
    /// [`MAX_OTHER_MEMBERS`](crate::MAX_OTHER_MEMBERS) others), the issuer (`iss` is the key's
    /// SID), the account (`sub`), the lifetime (with [`leeway`](ApiKey::with_leeway)), and the
    /// grants. Grants this library does not know are kept in [`AccessGrants::other_grants`].
    /// The work is linear in the token's length, whatever it holds.
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
        let segments = jwt::split(token)?;
        let region = check_header(&mut Header::read(segments.header, &mut Decoded::default())?)?;
        // The key that signed: this one, or the secondary during a rotation. Its own `iss`,
        // claims and leeway are checked below.
        let key = jwt::check_signature(&segments, self.verifying_keys(), ApiKey::tag_of)?;
        let mut buf: Decoded = Decoded::default();
        let mut claims = decode::read_claims(buf.text(segments.payload, TokenPart::Payload)?)?;
        let times = key.check_claims(&mut claims)?;
        times.check(now, key.leeway_secs())?;
        if let Some(problem) = claims.findings.problem {
            return Err(problem);
        }
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
        self.verify_at(token, limits::now()?)
    }

    /// Checks the registered claims read against this key, and returns their times. Takes them
    /// by reference: the grants, hundreds of bytes, are moved only into the result.
    fn check_claims(&self, claims: &mut AccessClaims<'_>) -> Result<jwt::claims::Times, Error> {
        claims.findings.check_duplicate(TokenPart::Payload)?;
        let registered = &mut claims.registered;
        let iss = std::mem::take(&mut registered.iss).required("iss")?;
        let sub = std::mem::take(&mut registered.sub).required("sub")?;
        let times = registered.times()?;
        std::mem::take(&mut registered.jti).optional("jti")?;
        if !claims.grants_present {
            return Err(Error::MissingClaim("grants"));
        }
        // As bytes: a SID's `as_str` checks its UTF-8 again.
        if iss.as_bytes() != self.api_key_sid().as_bytes() {
            return Err(Error::WrongApiKey {
                found: iss.into_owned(),
                expected: self.api_key_sid().to_string(),
            });
        }
        if sub.as_bytes() != self.account_sid().as_bytes() {
            return Err(Error::WrongAccount {
                found: sub.into_owned(),
                expected: self.account_sid().to_string(),
            });
        }
        Ok(times)
    }
}

/// The header rules of an Access Token, and its region: those of every header, `cty` exactly
/// `twilio-fpa;v=1`, `typ` absent or `JWT`, `twr` absent, null, empty or a region code.
///
/// # Errors
/// The first rule the header breaks.
pub(crate) fn check_header(header: &mut Header<'_>) -> Result<Option<Region>, Error> {
    header.check_common()?;
    let invalid = |member, expected, found: String| Error::InvalidHeader {
        member,
        expected,
        found,
    };
    let shown = |value: &str| format!("`{}`", Truncated(value));
    const CTY: &str = ACCESS_CTY_EXPECTED;
    match &header.cty {
        Field::Present(cty) if cty == ACCESS_CTY => {}
        Field::Present(cty) => return Err(invalid("cty", CTY, shown(cty))),
        Field::Missing => return Err(invalid("cty", CTY, "missing".into())),
        Field::Invalid(found) => return Err(invalid("cty", CTY, (*found).into())),
    }
    const TYP: &str = "`JWT`, or no `typ`";
    match &header.typ {
        Field::Missing => {}
        Field::Present(typ) if typ == "JWT" => {}
        Field::Present(typ) => return Err(invalid("typ", TYP, shown(typ))),
        Field::Invalid(found) => return Err(invalid("typ", TYP, (*found).into())),
    }
    const TWR: &str = "a region code such as `us1`, null, or no `twr`";
    match &header.twr {
        Field::Missing | Field::Present(None) => Ok(None),
        // C#'s library writes an empty region as `""`.
        Field::Present(Some(twr)) if twr.is_empty() => Ok(None),
        Field::Present(Some(twr)) => match Region::new(twr) {
            Ok(region) => Ok(Some(region)),
            Err(_) => Err(invalid("twr", TWR, shown(twr))),
        },
        Field::Invalid(found) => Err(invalid("twr", TWR, (*found).into())),
    }
}
