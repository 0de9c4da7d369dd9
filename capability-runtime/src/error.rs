//! `Error`, the one error type of the crate, and the details some of its variants carry.

use std::fmt;
use std::time::Duration;

use std::str::FromStr;

use crate::client_name::{ClientName, ClientNameError};
use crate::identity::{Identity, IdentityError};
use crate::kinds::GrantKind;
use crate::kinds::ScopeKind;
use crate::shown::Truncated;
use crate::sid::{
    AccountSid, ApiKeySid, AppSid, CredentialSid, Disclosure, RoleSid, RoomSid, ServiceSid,
    SidError, WorkerSid, WorkspaceSid,
};

/// Everything that can go wrong: invalid input, a policy that cannot be signed, a token that does
/// not verify. Each message says what was wrong and how to fix it; none contains the auth token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A SID (Account or Application) is malformed or of the wrong kind.
    InvalidSid(SidError),
    /// A client name breaks the client-name rule.
    InvalidClientName(ClientNameError),
    /// The auth token given to `Credentials::new` is empty.
    EmptyAuthToken,
    /// A policy grants nothing: no `incoming`, `outgoing` or `events`.
    EmptyPolicy,
    /// A policy grants the same scope twice.
    DuplicateScope(ScopeKind),
    /// A TTL outside 1 s ..= 24 h, or not a whole number of seconds.
    InvalidTtl(Duration),
    /// A parameter (of `outgoing`) or filter (of `events`) has an empty key.
    EmptyParamKey(ScopeKind),
    /// A policy's tokens would be longer than `MAX_TOKEN_LEN`, which
    /// the verifier refuses: shorten the parameters.
    PolicyTooLarge {
        /// The length its tokens would have, in bytes.
        token_len: usize,
        /// The limit.
        max: usize,
    },
    /// The system clock reads before 1970: use `sign_at`/`verify_at` with an explicit time.
    Clock,
    /// The token is longer than `MAX_TOKEN_LEN`; it was not decoded.
    TokenTooLarge {
        /// The token's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The token is not a well-formed JWT.
    Malformed(Malformed),
    /// The header names an algorithm other than HS256 (`none` included).
    UnsupportedAlgorithm {
        /// The `alg` the header names.
        alg: String,
    },
    /// The header has a `crit` member: it demands extensions this library does not implement.
    CriticalHeader,
    /// The signature does not match: the token was altered or signed with another auth token.
    BadSignature,
    /// The token has expired.
    Expired {
        /// Its `exp` claim.
        expired_at: u64,
        /// The time of verification.
        now: u64,
    },
    /// The token's `nbf` claim is in the future.
    NotYetValid {
        /// Its `nbf` claim.
        not_before: u64,
        /// The time of verification.
        now: u64,
    },
    /// The token's `iss` is not the credentials' Account SID.
    WrongIssuer {
        /// The `iss` the token names.
        found: String,
        /// The credentials' Account SID.
        expected: String,
    },
    /// A required claim (`scope`, `iss` or `exp`) is missing.
    MissingClaim(&'static str),
    /// A claim has the wrong JSON type or is out of range.
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
        /// What was found instead, e.g. "a string" or "a number with a fraction".
        found: &'static str,
    },
    /// A scope URI the library knows (`incoming`, `outgoing`, `events`) is malformed.
    InvalidScope {
        /// The scope URI as it appears in the token.
        scope: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The API key secret given to `ApiKey::new` is empty.
    EmptySecret,
    /// An identity breaks the identity rule.
    InvalidIdentity(IdentityError),
    /// A region is not a region code such as `us1`.
    InvalidRegion {
        /// The text given.
        region: String,
    },
    /// An Access Token policy has no identity.
    MissingIdentity,
    /// An Access Token policy has the same grant twice.
    DuplicateGrant(GrantKind),
    /// A policy with a `voice` grant has an identity that is not a valid client name, which
    /// Twilio refuses for voice.
    InvalidVoiceIdentity(ClientNameError),
    /// A text field of a grant (an endpoint id, a room name, a role, a parameter key) is empty.
    EmptyGrantField {
        /// The grant.
        grant: GrantKind,
        /// The field.
        field: &'static str,
    },
    /// The parameters of a `voice` outgoing grant have the same key twice: a JSON object cannot.
    DuplicateParamKey {
        /// The repeated key.
        key: String,
    },
    /// The `voice` outgoing grant has more than
    /// `MAX_OUTGOING_PARAMS` parameters.
    TooManyParams {
        /// How many it has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A not-before time past `MAX_EXP`.
    InvalidNotBefore(u64),
    /// The JSON given for a `playback` grant is not a JSON object, or has a key twice.
    InvalidPlayback {
        /// What is wrong with it.
        reason: String,
    },
    /// A capability `Policy` that has no Access Token equivalent.
    CannotMigrate(MigrationBlocker),
    /// A member of the header is missing or has the wrong value: `alg` missing or not a string
    /// (any token); `cty`, `typ` or `twr` of an Access Token.
    InvalidHeader {
        /// The member (`alg`, `cty`, `typ` or `twr`).
        member: &'static str,
        /// What it must be.
        expected: &'static str,
        /// What was found: the value in backticks (at most 64 characters, escaped), `missing`,
        /// or the JSON type of the value.
        found: String,
    },
    /// An Access Token's `iss` is not the API key's SID.
    WrongApiKey {
        /// The `iss` the token names.
        found: String,
        /// The API key's SID.
        expected: String,
    },
    /// An Access Token's `sub` is not the API key's account.
    WrongAccount {
        /// The `sub` the token names.
        found: String,
        /// The API key's Account SID.
        expected: String,
    },
    /// A grant of an Access Token this library knows is malformed.
    InvalidGrant {
        /// The grant's key in the token (`voice`, `data_sync`, …).
        grant: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidSid(e) => e.fmt(f),
            Error::InvalidClientName(e) => e.fmt(f),
            Error::EmptyAuthToken => f.write_str(
                "the auth token is empty; pass the account's auth token from the Twilio console",
            ),
            Error::EmptyPolicy => f.write_str(
                "the policy grants nothing; add `incoming`, `outgoing` or `events`",
            ),
            Error::DuplicateScope(kind) => write!(
                f,
                "`{kind}` is granted twice; a policy grants each scope at most once"
            ),
            Error::InvalidTtl(ttl) if ttl.subsec_nanos() == 0 => write!(
                f,
                "a TTL of {} s is not allowed; use from 1 s to 24 h (86400 s)",
                ttl.as_secs()
            ),
            Error::InvalidTtl(ttl) => write!(
                f,
                "a TTL of {ttl:?} is not allowed; use a whole number of seconds from 1 s to 24 h"
            ),
            Error::EmptyParamKey(kind) => write!(
                f,
                "a {} of `{kind}` has an empty key; give every key at least one character",
                match kind {
                    ScopeKind::Events => "filter",
                    _ => "parameter",
                }
            ),
            Error::PolicyTooLarge { token_len, max } => write!(
                f,
                "the policy's tokens would be {token_len} bytes long, over the limit of {max}; \
                 shorten its parameters or filters"
            ),
            Error::Clock => f.write_str(
                "the system clock is before 1970-01-01; fix the clock or pass the time explicitly",
            ),
            Error::TokenTooLarge { len, max } => write!(
                f,
                "the token is {len} bytes long, over the limit of {max}; it was not decoded"
            ),
            Error::Malformed(m) => m.fmt(f),
            Error::UnsupportedAlgorithm { alg } => write!(
                f,
                "the token is signed with `{}`; Twilio's tokens, capability tokens and Access Tokens \
                 alike, are signed with `HS256`",
                Truncated(alg)
            ),
            Error::CriticalHeader => f.write_str(
                "the token's header has a `crit` member, demanding extensions that are not supported",
            ),
            Error::BadSignature => f.write_str(
                "the token's signature does not match: it was altered, or signed with another auth token",
            ),
            Error::Expired { expired_at, now } => write!(
                f,
                "the token expired at {expired_at}, {} s before the time of verification ({now}); get a new token",
                now.saturating_sub(*expired_at)
            ),
            Error::NotYetValid { not_before, now } => write!(
                f,
                "the token is not valid before {not_before}, {} s after the time of verification ({now}); check the clocks or allow some leeway",
                not_before.saturating_sub(*now)
            ),
            Error::WrongIssuer { found, expected } => write!(
                f,
                "the token was issued by `{}`, not by this account (`{expected}`)",
                Truncated(found)
            ),
            Error::MissingClaim(claim) => write!(
                f,
                "the token has no `{claim}` claim{}",
                match *claim {
                    "scope" => ", which every capability token has",
                    "grants" | "sub" => ", which every Access Token has",
                    _ => "",
                }
            ),
            Error::InvalidClaim { claim, found } => write!(
                f,
                "the `{claim}` claim must be {}, found {found}",
                match *claim {
                    "scope" | "iss" | "sub" | "jti" => "a string",
                    "grants" => "an object",
                    _ => "an integer number of seconds from 0 to 2^53-1",
                }
            ),
            Error::InvalidScope { scope, reason } => write!(
                f,
                "the scope `{}` is malformed: {reason}",
                Truncated(scope)
            ),
            Error::EmptySecret => f.write_str(
                "the API key secret is empty; pass the secret shown when the API key was created",
            ),
            Error::InvalidIdentity(e) => e.fmt(f),
            Error::InvalidRegion { region } => write!(
                f,
                "`{}` is not a region code; use Twilio's lowercase code, such as `us1`, `ie1` or \
                 `au1` (a letter, then 1 to 15 lowercase letters or digits)",
                Truncated(region)
            ),
            Error::MissingIdentity => f.write_str(
                "the Access Token has no identity; set one (`identity \"alice\"`, or \
                 `.identity(Identity::new(\"alice\")?)`)",
            ),
            Error::DuplicateGrant(kind) => write!(
                f,
                "`{kind}` is granted twice; an Access Token has each grant at most once"
            ),
            Error::InvalidVoiceIdentity(e) => write!(
                f,
                "a `voice` grant needs an identity that is a valid client name, and Twilio \
                 refuses this one: {e}"
            ),
            Error::EmptyGrantField { grant, field } => write!(
                f,
                "the {field} of the `{grant}` grant is empty; give it at least one character, or \
                 leave it out"
            ),
            Error::DuplicateParamKey { key } => write!(
                f,
                "the parameter `{}` of the `voice` outgoing grant is given twice; give each key once",
                Truncated(key)
            ),
            Error::TooManyParams { count, max } => write!(
                f,
                "the `voice` outgoing grant has {count} parameters, more than the {max} an Access \
                 Token may carry; pass fewer, or one that the TwiML application looks the rest up \
                 with"
            ),
            Error::InvalidNotBefore(nbf) => write!(
                f,
                "a not-before time of {nbf} is too large; use Unix seconds up to 2^53-1"
            ),
            Error::InvalidPlayback { reason } => write!(
                f,
                "the `playback` grant must be the JSON object Twilio's PlaybackGrant API returns: {reason}"
            ),
            Error::CannotMigrate(blocker) => blocker.fmt(f),
            Error::InvalidHeader {
                member,
                expected,
                found,
            } => {
                write!(
                    f,
                    "the token's header `{member}` is {found}; it must be {expected}"
                )?;
                // The Access Token verifier's `cty`: most often, a capability token given to it.
                if *member == "cty" && *expected == ACCESS_CTY_EXPECTED {
                    f.write_str(
                        ", which marks an Access Token; a capability token has no such `cty`: \
                         verify it with `Credentials`",
                    )?;
                }
                Ok(())
            }
            Error::WrongApiKey { found, expected } => write!(
                f,
                "the token was issued by the API key `{}`, not by this one (`{expected}`)",
                Truncated(found)
            ),
            Error::WrongAccount { found, expected } => write!(
                f,
                "the token is for the account `{}`, not for this API key's (`{expected}`)",
                Truncated(found)
            ),
            Error::InvalidGrant { grant, reason } => {
                write!(f, "the token's `{grant}` grant is malformed: {reason}")
            }
        }
    }
}

/// What the Access Token verifier requires of a header's `cty`, as [`Error::InvalidHeader`]
/// states it.
pub(crate) const ACCESS_CTY_EXPECTED: &str = "`twilio-fpa;v=1`";

impl std::error::Error for Error {}

impl From<SidError> for Error {
    fn from(e: SidError) -> Self {
        Error::InvalidSid(e)
    }
}

impl From<ClientNameError> for Error {
    fn from(e: ClientNameError) -> Self {
        Error::InvalidClientName(e)
    }
}

/// Why a capability `Policy` cannot become an Access Token policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationBlocker {
    /// The policy grants `events`: Access Tokens have no equivalent.
    Events,
    /// The policy has no `incoming` client name, and an Access Token needs an identity.
    NoClientName,
}

impl fmt::Display for MigrationBlocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MigrationBlocker::Events => {
                "the policy grants `events`, which Access Tokens have no equivalent for; drop \
                 `events` from the policy (read events through Twilio's REST API or Event \
                 Streams instead)"
            }
            MigrationBlocker::NoClientName => {
                "the policy has no `incoming` client name, and an Access Token needs an identity; \
                 add `incoming \"name\"`, or build the Access Token policy with \
                 `AccessPolicy::builder().identity(…)`"
            }
        })
    }
}

/// The part of a token an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPart {
    /// The first segment, the JOSE header.
    Header,
    /// The second segment, the claims.
    Payload,
    /// The third segment, the HMAC tag.
    Signature,
}

impl fmt::Display for TokenPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenPart::Header => "header",
            TokenPart::Payload => "payload",
            TokenPart::Signature => "signature",
        })
    }
}

/// How a token fails to be a well-formed JWT.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Not three segments separated by `.`.
    Segments {
        /// How many segments there are.
        found: usize,
    },
    /// A segment is not unpadded base64url (RFC 4648 §5): padding `=`, the `+`/`/` alphabet and
    /// non-canonical trailing bits are all rejected.
    Base64(TokenPart),
    /// The header or payload is not a JSON object (or nests deeper than the parser allows).
    Json {
        /// Which segment.
        part: TokenPart,
        /// The JSON parser's description of the problem (position and cause).
        detail: String,
    },
    /// The header or payload, or an object in it (but the outgoing parameters of an Access
    /// Token), has more members than the ones the verifier reads and
    /// `MAX_OTHER_MEMBERS` others.
    TooManyMembers {
        /// Which segment.
        part: TokenPart,
        /// The limit on the other members.
        max: usize,
    },
    /// The header or payload holds more than `MAX_VALUES` values (members of objects and
    /// elements of arrays, at any depth); the rest was not read.
    TooManyValues {
        /// Which segment.
        part: TokenPart,
        /// The limit.
        max: usize,
    },
    /// The header or payload has the same key twice, which readers may resolve differently.
    DuplicateKey {
        /// Which segment.
        part: TokenPart,
        /// The repeated key.
        key: String,
    },
    /// An Access Token's outgoing application has more than
    /// `MAX_OUTGOING_PARAMS` parameters; the rest was not read.
    TooManyParams {
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Segments { found } => write!(
                f,
                "a token is three base64url segments separated by `.`, this one has {found}"
            ),
            Malformed::Base64(part) => write!(
                f,
                "the token's {part} is not unpadded base64url (alphabet A-Z a-z 0-9 - _, no `=`)"
            ),
            Malformed::Json { part, detail } => {
                write!(f, "the token's {part} is not a valid JSON object: {detail}")
            }
            Malformed::TooManyMembers { part, max } => write!(
                f,
                "the token's {part}, or an object in it, has more than {max} members besides the \
                 ones capability tokens and Access Tokens use; it was not read further"
            ),
            Malformed::TooManyValues { part, max } => write!(
                f,
                "the token's {part} holds more than {max} values (members of objects and elements \
                 of arrays), more than any capability token or Access Token; it was not read \
                 further"
            ),
            Malformed::TooManyParams { max } => write!(
                f,
                "the token's `voice` grant has more than {max} outgoing parameters, the most an \
                 Access Token may carry; it was not read further"
            ),
            Malformed::DuplicateKey { part, key } => write!(
                f,
                "the token's {part} has the key `{}` twice",
                Truncated(key)
            ),
        }
    }
}

// The constructors of the validated values, which report the crate's one `Error`. They are written
// here, above the values' own modules, so that those modules (and their errors) stay below this
// one and the modules form layers.

/// `FromStr` and `TryFrom<&str>` of a type with `new(&str) -> Result<Self, Error>`.
macro_rules! from_text {
    ($name:ident) => {
        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }
    };
}

/// `new`, `FromStr` and `TryFrom<&str>` of a SID type.
macro_rules! sid_constructors {
    ($name:ident, $example:literal) => {
        impl $name {
            /// Parses a SID, saying what is wrong with it if it is not one of this kind.
            ///
            /// ```
            #[doc = concat!("use capability_runtime::", stringify!($name), ";")]
            ///
            #[doc = concat!("let sid = ", stringify!($name), "::new(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(sid.as_str(), \"", $example, "\");")]
            #[doc = concat!("assert!(", stringify!($name), "::new(\"", "XX123", "\").is_err());")]
            /// # Ok::<(), capability_runtime::Error>(())
            /// ```
            ///
            /// # Errors
            /// [`Error::InvalidSid`], which quotes the text only when it plainly is no secret.
            pub fn new(sid: &str) -> Result<Self, Error> {
                Self::parse(sid, Disclosure::UnlessSecretLike).map_err(Error::InvalidSid)
            }

            /// [`new`](Self::new) for text written in a policy's source, which is no secret:
            /// the error quotes it whatever it is.
            #[allow(dead_code)]
            pub(crate) fn from_source(sid: &str) -> Result<Self, Error> {
                Self::parse(sid, Disclosure::Quoted).map_err(Error::InvalidSid)
            }

            /// [`new`](Self::new) for the arguments of `ApiKey::new` and `Credentials::new`, easily
            /// swapped with the secret: the error never quotes the text.
            #[allow(dead_code)]
            pub(crate) fn new_redacted(sid: &str) -> Result<Self, Error> {
                Self::parse(sid, Disclosure::Never).map_err(Error::InvalidSid)
            }
        }

        from_text!($name);
    };
}

sid_constructors!(AccountSid, "AC0123456789abcdef0123456789abcdef");
sid_constructors!(AppSid, "AP0123456789abcdef0123456789abcdef");
sid_constructors!(ApiKeySid, "SK0123456789abcdef0123456789abcdef");
sid_constructors!(ServiceSid, "IS0123456789abcdef0123456789abcdef");
sid_constructors!(CredentialSid, "CR0123456789abcdef0123456789abcdef");
sid_constructors!(RoleSid, "RL0123456789abcdef0123456789abcdef");
sid_constructors!(WorkspaceSid, "WS0123456789abcdef0123456789abcdef");
sid_constructors!(WorkerSid, "WK0123456789abcdef0123456789abcdef");
sid_constructors!(RoomSid, "RM0123456789abcdef0123456789abcdef");

/// `new`, `FromStr`, `TryFrom<&str>` and `TryFrom<String>` of a text type.
macro_rules! text_constructors {
    ($name:ident, $variant:ident, $what:literal) => {
        impl $name {
            #[doc = concat!("Parses ", $what, ", saying which rule it breaks if it is not one.")]
            ///
            /// # Errors
            #[doc = concat!("[`Error::", stringify!($variant), "`], naming the rule.")]
            pub fn new(text: &str) -> Result<Self, Error> {
                Self::parse(text).map_err(Error::$variant)
            }
        }

        from_text!($name);

        impl TryFrom<String> for $name {
            type Error = Error;
            /// Takes the `String` without copying it when it is valid.
            fn try_from(s: String) -> Result<Self, Error> {
                Self::parse_owned(s).map_err(Error::$variant)
            }
        }
    };
}

text_constructors!(ClientName, InvalidClientName, "a client name");
text_constructors!(Identity, InvalidIdentity, "an identity");

/// An identity is a client name when it follows the client-name rule; the error says which part
/// of the rule it breaks, as [`ClientName::new`] does.
impl TryFrom<&Identity> for ClientName {
    type Error = Error;
    fn try_from(identity: &Identity) -> Result<Self, Error> {
        ClientName::new(identity.as_str())
    }
}

impl TryFrom<Identity> for ClientName {
    type Error = Error;
    fn try_from(identity: Identity) -> Result<Self, Error> {
        ClientName::try_from(identity.into_string())
    }
}
