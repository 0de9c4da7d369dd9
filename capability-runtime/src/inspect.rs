//! Reading a token without its key: [`inspect_at`] and the [`Inspection`] it returns, with the
//! [`Problem`]s Twilio would refuse the token for.
//!
//! Built from the verifiers' own stages (`jwt`): the same split, the same JSON reader, each
//! kind's header rules and claim readers, the scope parser, the policy builder's grant rules, and
//! the one lifetime rule, at `now`, without a key and so without a leeway. Nothing here is a
//! second reading of a token. What is added is only what needs no key: the kind of token, and
//! the rules Twilio applies beyond the signature (`typ`, `cty`, SIDs, a lifetime over 24 h,
//! unknown scopes).
//!
//! An [`Inspection`] never says a token is valid, and cannot be turned into a
//! [`VerifiedToken`](crate::VerifiedToken): only [`Credentials::verify_at`](crate::Credentials::verify_at)
//! accepts a token.

use std::fmt;

use crate::access::{self, AccessClaims, AccessGrants, Region};
use crate::capability::{self, scope, CapabilityClaims, Grants};
use crate::error::{Error, Malformed, TokenPart};
use crate::identity::Identity;
use crate::jwt::claims::{Registered, Times};
use crate::jwt::json::Field;
use crate::jwt::{self, base64url, Decoded, Header, ACCESS_CTY};
use crate::limits::{self, check_lifetime, MAX_TTL, TAG_LEN};
use crate::shown::Truncated;
use crate::sid::{AccountSid, ApiKeySid};

/// The kind of Twilio token, told from its header and claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// A capability token (Twilio Client 1.x): its header has no `cty` of an Access Token,
    /// and its claims have a `scope` (of any type: one that is no string is refused).
    Capability,
    /// An Access Token (the current client SDKs): its header has the `cty` `twilio-fpa;v=1`,
    /// or one that names the same type in another spelling or version (refused), or (with no
    /// `scope`) its claims have `grants`.
    Access,
    /// A JWT that is neither: Twilio accepts it nowhere.
    Other,
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenKind::Capability => "capability token",
            TokenKind::Access => "Access Token",
            TokenKind::Other => "JWT that is not a Twilio token",
        })
    }
}

/// What a lifetime is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifetimeStart {
    /// The `nbf` claim.
    NotBefore,
    /// The `iat` claim (the token has no `nbf`).
    IssuedAt,
    /// The time of inspection (the token has neither `nbf` nor `iat`, as twilio-php's tokens):
    /// the token was issued before, so its lifetime is at least this long.
    Now,
}

/// Something in a token that Twilio would refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// [`Credentials::verify_at`](crate::Credentials::verify_at) refuses the token for this,
    /// whatever the credentials.
    Refused(Error),
    /// The signature does not have the 32 bytes of an HMAC-SHA256 tag: the token was cut short
    /// or altered.
    SignatureLength {
        /// Its length in bytes.
        len: usize,
    },
    /// The `iss` claim is not an Account SID (capability token) or an API key SID (Access
    /// Token).
    Issuer(Error),
    /// The `sub` claim of an Access Token is not an Account SID.
    Subject(Error),
    /// An Access Token's identity and grants break a rule that
    /// [`AccessPolicy::builder`](crate::AccessPolicy::builder) applies to what it signs (an
    /// identity, a voice identity that is a valid client name, no empty field).
    Policy(Error),
    /// The token is valid for longer than the 24 hours Twilio allows.
    Lifetime {
        /// From `start` to `exp`, in seconds.
        secs: u64,
        /// What it is measured from.
        start: LifetimeStart,
    },
    /// The header's `typ` is not `JWT`.
    Type {
        /// The `typ` found: the text of a string (as found), or what else it is ("a number").
        found: String,
    },
    /// The header of a token that is not an Access Token has a `cty`.
    ContentType {
        /// The `cty` found: the text of a string (as found), or what else it is ("a number").
        found: String,
    },
    /// A scope URI that Twilio Client does not know: it grants nothing.
    UnknownScope(String),
}

impl Problem {
    /// A short name for the problem that stays the same from one release to the next, for
    /// scripts: `expired`, `not_yet_valid`, `algorithm`, `critical_header`, `missing_claim`,
    /// `invalid_claim`, `scope`, `grants`, `header`, `duplicate_key`, `signature`, `malformed`,
    /// `refused` (another refusal), `issuer`, `account`, `lifetime`, `type`, `content_type`,
    /// `unknown_scope`.
    ///
    /// ```
    /// use capability_runtime::{Error, Problem};
    ///
    /// let expired = Problem::Refused(Error::Expired { expired_at: 1, now: 2 });
    /// assert_eq!(expired.code(), "expired");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Refused(e) => match e {
                Error::Expired { .. } => "expired",
                Error::NotYetValid { .. } => "not_yet_valid",
                Error::UnsupportedAlgorithm { .. } => "algorithm",
                Error::CriticalHeader => "critical_header",
                Error::MissingClaim(_) => "missing_claim",
                Error::InvalidClaim { .. } => "invalid_claim",
                Error::InvalidScope { .. } => "scope",
                Error::InvalidGrant { .. } => "grants",
                Error::InvalidHeader { .. } => "header",
                Error::Malformed(Malformed::DuplicateKey { .. }) => "duplicate_key",
                Error::Malformed(Malformed::TooManyParams { .. }) => "grants",
                Error::Malformed(Malformed::Base64(_)) => "signature",
                Error::Malformed(_) => "malformed",
                _ => "refused",
            },
            Problem::SignatureLength { .. } => "signature",
            Problem::Issuer(_) => "issuer",
            Problem::Subject(_) => "account",
            Problem::Policy(_) => "grants",
            Problem::Lifetime { .. } => "lifetime",
            Problem::Type { .. } => "type",
            Problem::ContentType { .. } => "content_type",
            Problem::UnknownScope(_) => "unknown_scope",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Refused(e) => e.fmt(f),
            Problem::SignatureLength { len } => write!(
                f,
                "the signature is {len} bytes long, an HS256 signature 32: the token was cut \
                 short or altered; copy the whole token"
            ),
            Problem::Issuer(e) => write!(f, "the issuer (`iss`) is wrong: {e}"),
            Problem::Subject(e) => write!(f, "the account (`sub`) is wrong: {e}"),
            Problem::Policy(e) => e.fmt(f),
            Problem::Lifetime { secs, start } => write!(
                f,
                "the token is valid for {secs} s {}, over the 24 h ({} s) Twilio allows; sign \
                 it with a TTL of at most 24 h",
                match start {
                    LifetimeStart::NotBefore => "from its `nbf`",
                    LifetimeStart::IssuedAt => "from its `iat`",
                    LifetimeStart::Now => "from now",
                },
                MAX_TTL.as_secs()
            ),
            Problem::Type { found } => write!(
                f,
                "the header's `typ` is `{}`; Twilio's libraries write `JWT`",
                Truncated(found)
            ),
            Problem::ContentType { found } => write!(
                f,
                "the header has a `cty` (`{}`), which only Access Tokens have (`{ACCESS_CTY}`); \
                 leave it out",
                Truncated(found)
            ),
            Problem::UnknownScope(uri) => write!(
                f,
                "the scope `{}` is not one Twilio Client knows (`scope:client:incoming`, \
                 `scope:client:outgoing`, `scope:stream:subscribe`): it grants nothing",
                Truncated(uri)
            ),
        }
    }
}

/// A token read without its key, for display: its header and claims as JSON text, the claims
/// and grants as the verifier reads them, and the [`Problem`]s Twilio would refuse it for.
///
/// The signature is not checked: anyone can write a token that inspects well. Nothing here says
/// a token is valid; [`Credentials::verify_at`](crate::Credentials::verify_at) does.
///
/// ```
/// use capability_runtime::{inspect_at, ClientName, Credentials, Policy, Problem, TokenKind};
///
/// let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "secret")?;
/// let policy = Policy::builder().incoming(ClientName::new("Alice")?).build()?;
/// let token = policy.sign_at(&credentials, 1_700_000_000);
///
/// let inspection = inspect_at(token.as_str(), 1_700_000_001)?;
/// assert_eq!(inspection.kind(), TokenKind::Capability);
/// assert_eq!(inspection.grants().unwrap().incoming().unwrap(), "Alice");
/// assert_eq!(inspection.expires_at(), Some(1_700_003_600));
/// assert!(inspection.problems().is_empty());
///
/// let later = inspect_at(token.as_str(), 1_700_003_600)?;
/// assert!(matches!(later.problems(), [Problem::Refused(capability_runtime::Error::Expired { .. })]));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Inspection {
    kind: TokenKind,
    header_json: String,
    claims_json: String,
    issuer: Option<String>,
    subject: Option<String>,
    expires_at: Option<u64>,
    not_before: Option<u64>,
    issued_at: Option<u64>,
    scope: Option<String>,
    grants: Option<Grants>,
    identity: Option<Identity>,
    access_grants: Option<AccessGrants>,
    region: Option<Region>,
    problems: Vec<Problem>,
}

impl Inspection {
    /// The kind of token.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The header's JSON text, as decoded.
    pub fn header_json(&self) -> &str {
        &self.header_json
    }

    /// The claims' JSON text, as decoded.
    pub fn claims_json(&self) -> &str {
        &self.claims_json
    }

    /// The `iss` claim, when it is a string: the Account SID of a capability token, the API key
    /// SID of an Access Token.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The `sub` claim of an Access Token, when it is a string: the Account SID.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The `exp` claim, when it is a valid NumericDate.
    pub fn expires_at(&self) -> Option<u64> {
        self.expires_at
    }

    /// The `nbf` claim, when it is a valid NumericDate.
    pub fn not_before(&self) -> Option<u64> {
        self.not_before
    }

    /// The `iat` claim, when it is a valid NumericDate.
    pub fn issued_at(&self) -> Option<u64> {
        self.issued_at
    }

    /// The `scope` claim of a capability token, when it is a string.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// What a capability token grants, when its scope reads.
    pub fn grants(&self) -> Option<&Grants> {
        self.grants.as_ref()
    }

    /// The identity of an Access Token (`grants.identity`), when it has a valid one.
    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    /// What an Access Token grants, when its `grants` claim is an object. Grants that do not
    /// read are left out, and are [`Problem`]s.
    pub fn access_grants(&self) -> Option<&AccessGrants> {
        self.access_grants.as_ref()
    }

    /// The region of an Access Token (its `twr` header), when it has a valid one.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// How long the token is valid, in seconds, and from what: from its `nbf`, or its `iat`, to
    /// its `exp`. `None` without `exp`, with neither `nbf` nor `iat`, or with an `exp` before
    /// them. Over 24 hours it is also a [`Problem::Lifetime`].
    ///
    /// ```
    /// use capability_runtime::{inspect_at, AccessPolicy, ApiKey, Identity, LifetimeStart};
    ///
    /// let key = ApiKey::new("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", "secret")?;
    /// let policy = AccessPolicy::builder().identity(Identity::new("alice")?).not_before(1000).build()?;
    /// let inspection = inspect_at(policy.sign_at(&key, 1000).as_str(), 1000)?;
    /// assert_eq!(inspection.lifetime(), Some((3600, LifetimeStart::NotBefore)));
    /// # Ok::<(), capability_runtime::Error>(())
    /// ```
    pub fn lifetime(&self) -> Option<(u64, LifetimeStart)> {
        let (start, from) = match (self.not_before, self.issued_at) {
            (Some(nbf), _) => (nbf, LifetimeStart::NotBefore),
            (None, Some(iat)) => (iat, LifetimeStart::IssuedAt),
            (None, None) => return None,
        };
        Some((self.expires_at?.checked_sub(start)?, from))
    }

    /// What Twilio would refuse the token for, in the order of the token's parts. Empty does not
    /// mean valid: the signature was not checked.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

/// Reads a token without checking its signature, at time `now` (Unix seconds, for the
/// expiry), to show what it holds and what Twilio would refuse it for. See [`Inspection`].
///
/// # Errors
/// When the text is not a JWT: over [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN), not three segments, or a header or
/// claims that are not base64url of a JSON object ([`Error::TokenTooLarge`],
/// [`Error::Malformed`]). Everything else is a [`Problem`] of the [`Inspection`].
pub fn inspect_at(token: &str, now: u64) -> Result<Inspection, Error> {
    let segments = jwt::split(token)?;
    let header_json = jwt::decoded_string(segments.header, TokenPart::Header)?;
    let mut header = Header::read_text(&header_json)?;
    let mut buf: Decoded = Decoded::default();
    let claims_json = buf.text(segments.payload, TokenPart::Payload)?;

    // The kind: what the header says, else what the claims hold.
    let (kind, claims) = if header.is_access() {
        (
            TokenKind::Access,
            Claims::Access(access::read_claims(claims_json)?),
        )
    } else {
        // A `scope` of any type makes a capability token, as its verifier reads it; without
        // one, `grants` makes an Access Token.
        let mut claims = capability::read_payload(claims_json)?;
        match claims.scope() {
            Err(missing @ Error::MissingClaim(_)) => match access::read_claims(claims_json)? {
                access if access.grants_present => (TokenKind::Access, Claims::Access(access)),
                _ => (TokenKind::Other, Claims::Capability(claims, Err(missing))),
            },
            scope => (TokenKind::Capability, Claims::Capability(claims, scope)),
        }
    };

    let mut inspection = Inspection {
        kind,
        header_json: String::new(),
        claims_json: claims_json.to_owned(),
        issuer: None,
        subject: None,
        expires_at: None,
        not_before: None,
        issued_at: None,
        scope: None,
        grants: None,
        identity: None,
        access_grants: None,
        region: None,
        problems: Vec::new(),
    };
    let problems = &mut inspection.problems;
    if kind == TokenKind::Access {
        match access::check_header(&mut header) {
            Ok(region) => inspection.region = region,
            Err(e) => problems.push(Problem::Refused(e)),
        }
    } else {
        if let Some(typ) = typ_of(&header) {
            problems.push(Problem::Type { found: typ });
        }
        if let Some(cty) = text_of(&header.cty) {
            problems.push(Problem::ContentType { found: cty });
        }
        if let Err(e) = capability::check_header(&mut header) {
            problems.insert(0, Problem::Refused(e));
        }
    }

    match base64url::decode(segments.signature) {
        Ok(tag) if tag.len() == TAG_LEN => {}
        Ok(tag) => problems.push(Problem::SignatureLength { len: tag.len() }),
        Err(_) => problems.push(Problem::Refused(Error::Malformed(Malformed::Base64(
            TokenPart::Signature,
        )))),
    }

    match claims {
        Claims::Capability(claims, scope) => capability_claims(claims, scope, now, &mut inspection),
        Claims::Access(claims) => access_claims(claims, now, &mut inspection),
    }
    inspection.header_json = header_json;
    Ok(inspection)
}

/// Reads a token now, by the system clock. See [`inspect_at`].
///
/// # Errors
/// As [`inspect_at`], and [`Error::Clock`] if the clock reads before 1970.
pub fn inspect(token: &str) -> Result<Inspection, Error> {
    inspect_at(token, limits::now()?)
}

/// The claims as read by the verifier of the token's kind. Made once per inspection: the size of
/// the larger variant costs nothing.
#[allow(clippy::large_enum_variant)]
enum Claims<'a> {
    /// The claims of a capability token (or of a JWT that is no Twilio token), and its `scope`.
    Capability(
        CapabilityClaims<'a>,
        Result<std::borrow::Cow<'a, str>, Error>,
    ),
    Access(AccessClaims<'a>),
}

/// A string member's text, or what else it is.
fn text_of(field: &Field<std::borrow::Cow<'_, str>>) -> Option<String> {
    match field {
        Field::Present(text) => Some(text.to_string()),
        Field::Invalid(found) => Some((*found).to_owned()),
        Field::Missing => None,
    }
}

/// The `typ` of a header that is not `JWT`, as [`text_of`] shows it.
fn typ_of(header: &Header<'_>) -> Option<String> {
    match &header.typ {
        Field::Present(typ) if typ == "JWT" => None,
        typ => text_of(typ),
    }
}

/// The claims of a capability token (or of a JWT that is no Twilio token) as the verifier reads
/// them, and the problems they have at `now`.
fn capability_claims(
    mut claims: CapabilityClaims<'_>,
    scope: Result<std::borrow::Cow<'_, str>, Error>,
    now: u64,
    out: &mut Inspection,
) {
    let problems = &mut out.problems;
    if let Err(e) = claims.findings.check_duplicate(TokenPart::Payload) {
        problems.push(Problem::Refused(e));
    }
    let scope = refused(scope, problems);
    let registered = &mut claims.registered;
    let iss = refused(
        std::mem::take(&mut registered.iss).required("iss"),
        problems,
    );
    let times = times(registered, problems);
    if let Some(Err(e)) = iss.as_deref().map(AccountSid::from_source) {
        problems.push(Problem::Issuer(e));
    }
    if let Some(times) = times {
        lifetime(times, now, problems);
    }
    if let Some(scope) = &scope {
        match scope::decode(scope) {
            Ok(grants) => {
                problems.extend(
                    grants
                        .other_scopes()
                        .iter()
                        .cloned()
                        .map(Problem::UnknownScope),
                );
                out.grants = Some(grants);
            }
            Err(e) => problems.push(Problem::Refused(e)),
        }
    }
    out.issuer = iss.map(Into::into);
    out.scope = scope.map(Into::into);
    if let Some(times) = times {
        out.set_times(times);
    }
}

/// The claims of an Access Token as its verifier reads them, and the problems they have at
/// `now`, including the rules the policy builder applies to what it signs.
fn access_claims(mut claims: AccessClaims<'_>, now: u64, out: &mut Inspection) {
    let problems = &mut out.problems;
    if let Err(e) = claims.findings.check_duplicate(TokenPart::Payload) {
        problems.push(Problem::Refused(e));
    }
    let registered = &mut claims.registered;
    let iss = refused(
        std::mem::take(&mut registered.iss).required("iss"),
        problems,
    );
    let sub = refused(
        std::mem::take(&mut registered.sub).required("sub"),
        problems,
    );
    let times = times(registered, problems);
    refused(
        std::mem::take(&mut registered.jti).optional("jti"),
        problems,
    );
    if !claims.grants_present {
        problems.push(Problem::Refused(Error::MissingClaim("grants")));
    }
    if let Some(Err(e)) = iss.as_deref().map(ApiKeySid::from_source) {
        problems.push(Problem::Issuer(e));
    }
    if let Some(Err(e)) = sub.as_deref().map(AccountSid::from_source) {
        problems.push(Problem::Subject(e));
    }
    if let Some(times) = times {
        lifetime(times, now, problems);
    }
    if let Some(problem) = claims.findings.problem {
        problems.push(Problem::Refused(problem));
    }
    if claims.grants_present {
        let read = claims.grants;
        let rule = match &read.identity {
            Some(identity) => access::check_grants(identity, &read.grants),
            None => Err(Error::MissingIdentity),
        };
        if let Err(e) = rule {
            problems.push(Problem::Policy(e));
        }
        out.identity = read.identity;
        out.access_grants = Some(read.grants);
    }
    out.issuer = iss.map(Into::into);
    out.subject = sub.map(Into::into);
    if let Some(times) = times {
        out.set_times(times);
    }
}

impl Inspection {
    fn set_times(&mut self, times: Times) {
        self.expires_at = Some(times.expires_at);
        self.not_before = times.not_before;
        self.issued_at = times.issued_at;
    }
}

/// The times as the verifiers read them; each that does not read is a problem.
fn times(registered: &mut Registered<'_>, problems: &mut Vec<Problem>) -> Option<Times> {
    let exp = refused(
        std::mem::take(&mut registered.exp).required("exp"),
        problems,
    );
    let nbf = refused(
        std::mem::take(&mut registered.nbf).optional("nbf"),
        problems,
    )
    .flatten();
    let iat = refused(
        std::mem::take(&mut registered.iat).optional("iat"),
        problems,
    )
    .flatten();
    exp.map(|expires_at| Times {
        expires_at,
        not_before: nbf,
        issued_at: iat,
    })
}

/// The problems of a token's times at `now`: the verifiers' lifetime rule without a leeway, and
/// a lifetime over the 24 hours Twilio allows.
fn lifetime(times: Times, now: u64, problems: &mut Vec<Problem>) {
    if let Err(e) = check_lifetime(times.expires_at, times.not_before, now, 0) {
        problems.push(Problem::Refused(e));
    }
    let exp = times.expires_at;
    let start = match (times.not_before, times.issued_at) {
        (Some(nbf), _) => Some((nbf, LifetimeStart::NotBefore)),
        (None, Some(iat)) => Some((iat, LifetimeStart::IssuedAt)),
        (None, None) => (now < exp).then_some((now, LifetimeStart::Now)),
    };
    if let Some((from, start)) = start {
        let secs = exp.saturating_sub(from);
        if secs > MAX_TTL.as_secs() {
            problems.push(Problem::Lifetime { secs, start });
        }
    }
}

/// The value, or `None` and the verifier's error as a problem.
fn refused<T>(result: Result<T, Error>, problems: &mut Vec<Problem>) -> Option<T> {
    result.map_err(|e| problems.push(Problem::Refused(e))).ok()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use base64::Engine as _;
    use hmac::{KeyInit, Mac};

    use super::*;
    use crate::capability::credentials::Credentials;
    use crate::jwt::base64url::BASE64URL;
    use crate::limits::MAX_TOKEN_LEN;
    type HmacSha256 = hmac::Hmac<sha2::Sha256>;

    const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const NOW: u64 = 1_700_000_000;

    fn b64(bytes: &[u8]) -> String {
        BASE64URL.encode(bytes)
    }

    /// The errors among the problems an inspection found: what the verifier would say.
    fn refused(inspection: &Inspection) -> Vec<&Error> {
        inspection
            .problems()
            .iter()
            .filter_map(|p| match p {
                Problem::Refused(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    /// A token of these JSON texts, validly signed with `SECRET`.
    fn signed(header: &str, claims: &str) -> String {
        let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
        let mut mac = HmacSha256::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", b64(&mac.finalize().into_bytes()))
    }

    const PHP: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

    fn claims(scope: &str, extra: &str) -> String {
        format!(
            r#"{{"scope":"{scope}","iss":"{ACCOUNT}","exp":{}{extra}}}"#,
            NOW + 600
        )
    }

    /// Headers and claims that each break one rule, and some that break none.
    fn cases() -> Vec<String> {
        let alice = "scope:client:incoming?clientName=Alice";
        let mut tokens = Vec::new();
        for header in [
            PHP,
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"none","typ":"JWT"}"#,
            r#"{"alg":"HS512"}"#,
            r#"{"alg":7}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":"HS256","crit":["x"]}"#,
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"alg":"HS256","typ":"jwt"}"#,
            r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}"#,
            r#"{"alg":"HS256","kid":{"a":[1,2,{"b":null}]}}"#,
        ] {
            tokens.push(signed(header, &claims(alice, "")));
        }
        for payload in [
            claims("", ""),
            claims(alice, r#","nbf":1700000000"#),
            claims(alice, r#","nbf":1700000001"#),
            claims(alice, r#","nbf":1600000000"#),
            claims(alice, r#","iat":1700000000"#),
            claims(alice, r#","nbf":"1700000000""#),
            claims(alice, r#","iat":-1"#),
            claims(alice, r#","exp":5"#),
            claims("scope:client:incoming?clientName=al-ice", ""),
            claims(
                "scope:client:outgoing?appSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "",
            ),
            claims("scope:client:incoming?clientName=A scope:x:y", ""),
            claims("scope:client:incoming?clientName=A  scope:x:y", ""),
            format!(r#"{{"scope":"{alice}","iss":"{ACCOUNT}","exp":{NOW}}}"#),
            format!(r#"{{"scope":"{alice}","iss":"{ACCOUNT}","exp":1.5}}"#),
            format!(r#"{{"scope":"{alice}","iss":"{ACCOUNT}"}}"#),
            format!(r#"{{"scope":"{alice}","exp":{}}}"#, NOW + 60),
            format!(r#"{{"scope":7,"iss":"{ACCOUNT}","exp":{}}}"#, NOW + 60),
            format!(
                r#"{{"scope":"{alice}","iss":"ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","exp":{}}}"#,
                NOW + 60
            ),
            format!(r#"{{"scope":"{alice}","iss":"nope","exp":{}}}"#, NOW + 60),
            format!(
                r#"{{"scope":"{alice}","iss":"{ACCOUNT}","exp":{}}}"#,
                NOW + 90_000
            ),
            format!(r#"{{"iss":"{ACCOUNT}","exp":{}}}"#, NOW + 60),
        ] {
            tokens.push(signed(PHP, &payload));
        }
        tokens
    }

    #[test]
    fn what_the_verifier_refuses_is_a_problem_and_what_it_accepts_is_not_refused() {
        let credentials = Credentials::new(ACCOUNT, SECRET).unwrap();
        let (mut accepted, mut refused_kinds) = (0, BTreeSet::new());
        for token in cases() {
            let inspection = inspect_at(&token, NOW).unwrap();
            let refused = refused(&inspection);
            let verdict = credentials.verify_at(&token, NOW);
            match &verdict {
                Ok(_) => accepted += 1,
                Err(e) => {
                    refused_kinds.insert(
                        format!("{e:?}")
                            .split(['(', ' '])
                            .next()
                            .unwrap()
                            .to_owned(),
                    );
                }
            }
            if inspection.kind() == TokenKind::Access {
                // The `cty` of an Access Token: read as one, and refused by the capability
                // verifier, which names the `cty`.
                assert!(
                    matches!(verdict, Err(Error::InvalidHeader { member: "cty", .. })),
                    "{token}"
                );
                continue;
            }
            match verdict {
                Ok(verified) => {
                    assert!(refused.is_empty(), "{token}: {refused:?}");
                    assert_eq!(inspection.grants(), Some(verified.grants()), "{token}");
                    assert_eq!(inspection.expires_at(), Some(verified.expires_at()));
                    assert_eq!(inspection.not_before(), verified.not_before());
                    assert_eq!(inspection.issued_at(), verified.issued_at());
                }
                Err(Error::WrongIssuer { found, .. }) => assert_eq!(
                    inspection
                        .problems()
                        .iter()
                        .any(|p| matches!(p, Problem::Issuer(_))),
                    AccountSid::new(&found).is_err(),
                    "{token}"
                ),
                Err(e) => assert!(refused.contains(&&e), "{token}: {e:?} not in {refused:?}"),
            }
        }
        // Every way of refusing a token that needs no key is among the cases.
        assert!(accepted >= 5, "{accepted}");
        assert_eq!(
            refused_kinds.into_iter().collect::<Vec<_>>(),
            [
                "CriticalHeader",
                "Expired",
                "InvalidClaim",
                "InvalidHeader",
                "InvalidScope",
                "Malformed",
                "MissingClaim",
                "NotYetValid",
                "UnsupportedAlgorithm",
                "WrongIssuer"
            ]
        );
    }

    #[test]
    fn problems_beyond_the_verifier() {
        let problems = |header: &str, payload: &str| {
            inspect_at(&signed(header, payload), NOW)
                .unwrap()
                .problems()
                .to_vec()
        };
        let alice = "scope:client:incoming?clientName=Alice";
        assert_eq!(
            problems(r#"{"alg":"HS256","typ":"jwt"}"#, &claims(alice, "")),
            [Problem::Type {
                found: "jwt".into()
            }]
        );
        assert_eq!(
            problems(r#"{"alg":"HS256","typ":1}"#, &claims(alice, "")),
            [Problem::Type {
                found: "a number".into()
            }]
        );
        assert_eq!(
            problems(r#"{"alg":"HS256","cty":"JWT"}"#, &claims(alice, "")),
            [Problem::ContentType {
                found: "JWT".into()
            }]
        );
        assert_eq!(
            problems(PHP, &claims("scope:x:y", "")),
            [Problem::UnknownScope("scope:x:y".into())]
        );
        assert_eq!(
            problems(PHP, &claims(alice, r#","nbf":1600000000"#)),
            [Problem::Lifetime {
                secs: 100_000_600,
                start: LifetimeStart::NotBefore
            }]
        );
        assert_eq!(
            problems(PHP, &claims(alice, r#","iat":1699900000"#)),
            [Problem::Lifetime {
                secs: 100_600,
                start: LifetimeStart::IssuedAt
            }]
        );
        let far = format!(
            r#"{{"scope":"{alice}","iss":"{ACCOUNT}","exp":{}}}"#,
            NOW + 86_401
        );
        assert_eq!(
            problems(PHP, &far),
            [Problem::Lifetime {
                secs: 86_401,
                start: LifetimeStart::Now
            }]
        );
        let day = format!(
            r#"{{"scope":"{alice}","iss":"{ACCOUNT}","exp":{}}}"#,
            NOW + 86_400
        );
        assert_eq!(problems(PHP, &day), []);
        let not_sid = format!(
            r#"{{"scope":"{alice}","iss":"APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","exp":{}}}"#,
            NOW + 60
        );
        assert!(matches!(
            &problems(PHP, &not_sid)[..],
            [Problem::Issuer(Error::InvalidSid(_))]
        ));
        let tag_cut = {
            let token = signed(PHP, &claims(alice, ""));
            token[..token.len() - 3].to_owned()
        };
        assert_eq!(
            inspect_at(&tag_cut, NOW).unwrap().problems(),
            [Problem::SignatureLength { len: 30 }]
        );
    }

    /// A capability token with an extra `grants` member is a capability token to both: the
    /// verifier reads its scope, and so does `inspect`; the `cty` of an Access Token makes an
    /// Access Token to both.
    #[test]
    fn the_kind_is_the_verifiers_kind() {
        let credentials = Credentials::new(ACCOUNT, SECRET).unwrap();
        let alice = "scope:client:incoming?clientName=alice";
        let extra = r#","grants":{"identity":"root","voice":{"incoming":{"allow":true}}}"#;
        let token = signed(PHP, &claims(alice, extra));
        let verified = credentials.verify_at(&token, NOW).unwrap();
        let inspection = inspect_at(&token, NOW).unwrap();
        assert_eq!(inspection.kind(), TokenKind::Capability);
        assert_eq!(inspection.grants(), Some(verified.grants()));
        assert_eq!(inspection.identity(), None);
        assert!(refused(&inspection).is_empty());

        let token = signed(FPA, &claims(alice, extra));
        assert!(matches!(
            credentials.verify_at(&token, NOW),
            Err(Error::InvalidHeader { member: "cty", .. })
        ));
        assert_eq!(inspect_at(&token, NOW).unwrap().kind(), TokenKind::Access);
    }

    #[test]
    fn the_kind_comes_from_the_claims_and_the_cty() {
        let kind =
            |header: &str, payload: &str| inspect_at(&signed(header, payload), NOW).unwrap().kind();
        assert_eq!(kind(PHP, &claims("", "")), TokenKind::Capability);
        assert_eq!(
            kind(PHP, r#"{"grants":{},"iss":"SK","exp":1}"#),
            TokenKind::Access
        );
        assert_eq!(
            kind(r#"{"alg":"HS256","cty":"twilio-fpa;v=1"}"#, r#"{"exp":1}"#),
            TokenKind::Access
        );
        assert_eq!(kind(PHP, r#"{"sub":"x"}"#), TokenKind::Other);
        assert!(matches!(
            &inspect_at(&signed(PHP, r#"{"grants":{}}"#), NOW)
                .unwrap()
                .problems()[0],
            Problem::Refused(Error::InvalidHeader { member: "cty", .. })
        ));
    }

    const KEY: &str = "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const FPA: &str = r#"{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}"#;

    fn access_claims(grants: &str, extra: &str) -> String {
        format!(
            r#"{{"jti":"{KEY}-1","iss":"{KEY}","sub":"{ACCOUNT}","exp":{},"grants":{grants}{extra}}}"#,
            NOW + 600
        )
    }

    #[test]
    fn access_tokens_are_read_by_their_own_verifier() {
        let voice = r#"{"identity":"alice","voice":{"incoming":{"allow":true}}}"#;
        let inspection = inspect_at(&signed(FPA, &access_claims(voice, "")), NOW).unwrap();
        assert_eq!(inspection.kind(), TokenKind::Access);
        assert_eq!(inspection.problems(), []);
        assert_eq!(inspection.identity().unwrap(), "alice");
        assert!(inspection
            .access_grants()
            .unwrap()
            .voice()
            .unwrap()
            .incoming_allowed());
        assert_eq!(inspection.issuer(), Some(KEY));
        assert_eq!(inspection.subject(), Some(ACCOUNT));

        let problems = |header: &str, claims: &str| {
            inspect_at(&signed(header, claims), NOW)
                .unwrap()
                .problems()
                .to_vec()
        };
        // A voice identity Twilio refuses, and no identity at all: what the builder refuses.
        assert!(matches!(
            &problems(
                FPA,
                &access_claims(r#"{"identity":"al ice","voice":{}}"#, "")
            )[..],
            [Problem::Policy(Error::InvalidVoiceIdentity(_))]
        ));
        assert!(matches!(
            &problems(FPA, &access_claims(r#"{"video":{}}"#, ""))[..],
            [Problem::Policy(Error::MissingIdentity)]
        ));
        let wrong_sids = format!(
            r#"{{"iss":"{ACCOUNT}","sub":"{KEY}","exp":{},"grants":{{"identity":"a"}}}}"#,
            NOW + 60
        );
        assert!(matches!(
            &problems(FPA, &wrong_sids)[..],
            [Problem::Issuer(_), Problem::Subject(_)]
        ));
    }

    #[test]
    fn what_the_access_verifier_refuses_is_a_problem() {
        let key = crate::ApiKey::new(ACCOUNT, KEY, SECRET).unwrap();
        let identity = r#"{"identity":"alice"}"#;
        let mut accepted = 0;
        let mut refused_kinds = BTreeSet::new();
        let mut tokens = Vec::new();
        for header in [
            FPA,
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1"}"#,
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","twr":"us1"}"#,
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","twr":"US 1"}"#,
            r#"{"alg":"HS256","typ":"JWS","cty":"twilio-fpa;v=1"}"#,
            r#"{"alg":"none","cty":"twilio-fpa;v=1"}"#,
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","crit":[]}"#,
            PHP,
        ] {
            tokens.push(signed(header, &access_claims(identity, "")));
        }
        for claims in [
            access_claims(identity, r#","nbf":1700000001"#),
            access_claims(identity, r#","iat":"x""#),
            access_claims(identity, r#","exp":1"#),
            access_claims(r#"{"identity":"alice","video":{"room":7}}"#, ""),
            access_claims(r#"[]"#, ""),
            format!(r#"{{"iss":"{KEY}","sub":"{ACCOUNT}","exp":{NOW},"grants":{identity}}}"#),
            format!(r#"{{"iss":"{KEY}","exp":{},"grants":{identity}}}"#, NOW + 1),
            format!(r#"{{"iss":"{KEY}","sub":"{ACCOUNT}","exp":{}}}"#, NOW + 1),
        ] {
            tokens.push(signed(FPA, &claims));
        }
        for token in tokens {
            let inspection = inspect_at(&token, NOW).unwrap();
            let refused = refused(&inspection);
            match key.verify_at(&token, NOW) {
                Ok(verified) => {
                    accepted += 1;
                    assert!(refused.is_empty(), "{token}: {refused:?}");
                    assert_eq!(inspection.access_grants(), Some(verified.grants()));
                    assert_eq!(inspection.identity(), verified.identity());
                    assert_eq!(inspection.region(), verified.region());
                }
                Err(e) => {
                    refused_kinds.insert(
                        format!("{e:?}")
                            .split(['(', ' '])
                            .next()
                            .unwrap()
                            .to_owned(),
                    );
                    assert!(refused.contains(&&e), "{token}: {e:?} not in {refused:?}");
                }
            }
        }
        assert!(accepted >= 3, "{accepted}");
        assert_eq!(
            refused_kinds.into_iter().collect::<Vec<_>>(),
            [
                "CriticalHeader",
                "Expired",
                "InvalidClaim",
                "InvalidGrant",
                "InvalidHeader",
                "Malformed",
                "MissingClaim",
                "NotYetValid",
                "UnsupportedAlgorithm",
            ]
        );
    }

    #[test]
    fn what_is_not_a_jwt_is_an_error() {
        let big = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(matches!(
            inspect_at(&big, NOW),
            Err(Error::TokenTooLarge { .. })
        ));
        for (text, found) in [("", 1), ("a.b", 2), ("a.b.c.d", 4)] {
            assert_eq!(
                inspect_at(text, NOW).unwrap_err(),
                Error::Malformed(Malformed::Segments { found })
            );
        }
        let payload = b64(claims("", "").as_bytes());
        for header in [
            "e30=",
            "!!",
            &b64(b"[]"),
            &b64(b"{"),
            &b64(&[0xff, b'{', b'}']),
        ] {
            assert!(
                matches!(
                    inspect_at(&format!("{header}.{payload}.x"), NOW),
                    Err(Error::Malformed(_))
                ),
                "{header}"
            );
        }
        let header = b64(PHP.as_bytes());
        for payload in ["", &b64(b"null"), &b64(b"{} {}")] {
            assert!(
                matches!(
                    inspect_at(&format!("{header}.{payload}.x"), NOW),
                    Err(Error::Malformed(_))
                ),
                "{payload}"
            );
        }
    }
}
