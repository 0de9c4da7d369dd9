//! `Error`, the one error type of the crate, and the details some of its variants carry.

use std::fmt;
use std::time::Duration;

use crate::kinds::GrantKind;
use crate::kinds::ScopeKind;
use crate::sid::SidKind;

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
            Error::MissingClaim(claim) => write!(f, "the token has no `{claim}` claim"),
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
            } => write!(
                f,
                "the token's header `{member}` is {found}; it must be {expected}"
            ),
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

/// What is wrong with a SID.
///
/// The text given is quoted only when it plainly is not a secret: when it has the shape of a
/// SID, or is the expected prefix followed by hexadecimal digits and not as long as a Twilio
/// secret (32 characters). Otherwise (an auth token or API key secret passed where the SID belongs, say)
/// the error neither quotes it nor names any of its characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SidError {
    expected: SidKind,
    input: String,
    disclosure: Disclosure,
    problem: SidProblem,
}

/// How much a [`SidError`] says of the text given: where the text comes from decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Disclosure {
    /// Quoted: text written in a policy's source, which is no secret.
    Quoted,
    /// Quoted when it plainly is not a secret, otherwise only its length: the SIDs given to
    /// `XxxSid::new` and `Credentials::new`.
    UnlessSecretLike,
    /// Never quoted, nor any of its characters: the arguments of `ApiKey::new`, where a secret
    /// given in the wrong place is easy. The kind its prefix names, its length and (unless it
    /// looks like a secret) the position of a bad character are kept.
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    Never,
}

/// The length of a Twilio auth token or API key secret: text of this length where a SID belongs
/// is never quoted.
const SECRET_LEN: usize = 32;

/// The rule a SID breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SidProblem {
    /// The SID is empty.
    Empty,
    /// The SID is of another kind, e.g. an Account SID where an Application SID belongs.
    WrongKind {
        /// The kind its prefix names.
        found: SidKind,
    },
    /// The SID does not start with the expected prefix, nor with any prefix we know.
    WrongPrefix,
    /// A character after the prefix is not a hexadecimal digit.
    InvalidChar {
        /// The character.
        ch: char,
        /// Its position, counting characters from 1.
        position: usize,
    },
    /// The SID has the right characters but not 34 of them.
    WrongLength {
        /// Its length in characters.
        len: usize,
    },
    /// A character after the prefix is not a hexadecimal digit, and the text is not shown:
    /// the errors of `ApiKey::new`, whose SID arguments may be its secret
    /// given in the wrong place.
    NotHexDigit {
        /// Its position, counting characters from 1.
        position: usize,
    },
}

impl SidError {
    pub(crate) fn new(
        expected: SidKind,
        input: &str,
        mut problem: SidProblem,
        disclosure: Disclosure,
    ) -> Self {
        let len = input.chars().count();
        let sid_shaped = matches!(problem, SidProblem::WrongKind { .. })
            || (input.starts_with(expected.prefix()) && len == crate::sid::SID_LEN);
        let short_hex = input.starts_with(expected.prefix())
            && len != SECRET_LEN
            && input.bytes().skip(2).all(|b| b.is_ascii_hexdigit());
        let secret_like = !(input.is_empty() || sid_shaped || short_hex);
        // Of text that may be a secret, not even where its first character that is not a
        // hexadecimal digit is.
        if let SidProblem::InvalidChar { position, .. } = problem {
            problem = match disclosure {
                Disclosure::Quoted => problem,
                _ if secret_like => SidProblem::WrongLength { len },
                Disclosure::Never => SidProblem::NotHexDigit { position },
                Disclosure::UnlessSecretLike => problem,
            };
        }
        let (disclosure, input) = match disclosure {
            Disclosure::Never => (Disclosure::Never, String::new()),
            Disclosure::UnlessSecretLike if secret_like => (
                Disclosure::UnlessSecretLike,
                format!("[{len} characters, not shown]"),
            ),
            _ => (Disclosure::Quoted, input.to_owned()),
        };
        Self {
            expected,
            input,
            disclosure,
            problem,
        }
    }

    /// The kind of SID that was expected.
    pub fn expected(&self) -> SidKind {
        self.expected
    }

    /// The text that was given, when it plainly is not a secret; otherwise
    /// `[N characters, not shown]`. Empty for the errors of `ApiKey::new`,
    /// which never repeat their input (it may be the secret, given in the wrong place).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The rule it breaks.
    pub fn problem(&self) -> &SidProblem {
        &self.problem
    }
}

impl fmt::Display for SidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.expected;
        let name = &kind.description()[kind.description().find(' ').map_or(0, |i| i + 1)..];
        let prefix = kind.prefix();
        match self.disclosure {
            Disclosure::Quoted => {}
            Disclosure::Never => return self.fmt_redacted(f, name),
            Disclosure::UnlessSecretLike => return self.fmt_hidden(f),
        }
        let input = Truncated(&self.input);
        match &self.problem {
            SidProblem::Empty => write!(
                f,
                "the {name} is empty; it must be `{prefix}` followed by 32 hexadecimal digits"
            ),
            SidProblem::WrongKind { found } => write!(
                f,
                "`{input}` is {}; {} starts with `{prefix}`",
                found.description(),
                kind.description()
            ),
            SidProblem::WrongPrefix => write!(
                f,
                "`{input}` is not {}: it must start with `{prefix}`, followed by 32 hexadecimal digits",
                kind.description()
            ),
            SidProblem::InvalidChar { ch, position } => write!(
                f,
                "character {position} (`{}`) of {name} `{input}` is not a hexadecimal digit; \
                 after `{prefix}` use only 0-9 and a-f",
                ch.escape_debug()
            ),
            SidProblem::WrongLength { len } => write!(
                f,
                "{name} `{input}` has {len} characters; it must be `{prefix}` followed by exactly \
                 32 hexadecimal digits (34 characters)"
            ),
            SidProblem::NotHexDigit { position } => write!(
                f,
                "character {position} of the {name} is not a hexadecimal digit; after `{prefix}` \
                 use only 0-9 and a-f"
            ),
        }
    }
}

impl SidError {
    /// The message of an error whose text looked like a secret: its length only.
    fn fmt_hidden(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.expected;
        let len = self.input.trim_start_matches('[');
        let len = len.split(' ').next().unwrap_or_default();
        write!(
            f,
            "the text given is not {} ({len} characters, not shown in case it is a secret): \
             it must be `{}` followed by 32 hexadecimal digits; check the order of the arguments",
            kind.description(),
            kind.prefix()
        )
    }

    /// The message of a redacted error: what was given is described, never quoted.
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
        let kind = self.expected;
        let prefix = kind.prefix();
        let hint = "(the text is not shown: it may be a secret given in the wrong place; \
                    check the order of the arguments)";
        match &self.problem {
            SidProblem::Empty => write!(
                f,
                "the {name} is empty; it must be `{prefix}` followed by 32 hexadecimal digits"
            ),
            SidProblem::WrongKind { found } => write!(
                f,
                "the text given as the {name} is {}; {} starts with `{prefix}` {hint}",
                found.description(),
                kind.description()
            ),
            SidProblem::WrongPrefix => write!(
                f,
                "the text given as the {name} is not {}: it must start with `{prefix}`, followed \
                 by 32 hexadecimal digits {hint}",
                kind.description()
            ),
            SidProblem::InvalidChar { position, .. } | SidProblem::NotHexDigit { position } => {
                write!(
                    f,
                    "character {position} of the text given as the {name} is not a hexadecimal \
                     digit; after `{prefix}` use only 0-9 and a-f {hint}"
                )
            }
            SidProblem::WrongLength { len } => write!(
                f,
                "the text given as the {name} has {len} characters; it must be `{prefix}` followed \
                 by exactly 32 hexadecimal digits (34 characters) {hint}"
            ),
        }
    }
}

impl std::error::Error for SidError {}

/// The rule a client name breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientNameError {
    /// The name is empty.
    Empty,
    /// The name is longer than 121 characters.
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// A character is not a letter, a digit or `_`.
    InvalidChar {
        /// The character.
        ch: char,
        /// Its position, counting characters from 1.
        position: usize,
    },
}

impl fmt::Display for ClientNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientNameError::Empty => f.write_str(
                "a client name cannot be empty; use 1 to 121 letters, digits or `_`",
            ),
            ClientNameError::TooLong { len } => write!(
                f,
                "a client name has at most 121 characters, this one has {len}; shorten it"
            ),
            ClientNameError::InvalidChar { ch, position } => write!(
                f,
                "character {position} (`{}`) is not allowed in a client name; use letters, digits or `_`",
                ch.escape_debug()
            ),
        }
    }
}

impl std::error::Error for ClientNameError {}

/// The rule an [`Identity`](crate::identity::Identity) breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentityError {
    /// The identity is empty.
    Empty,
    /// The identity is longer than 256 characters.
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// A character is a control character (U+0000–U+001F, U+007F–U+009F).
    ControlChar {
        /// The character.
        ch: char,
        /// Its position, counting characters from 1.
        position: usize,
    },
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityError::Empty => {
                f.write_str("an identity cannot be empty; use 1 to 256 characters")
            }
            IdentityError::TooLong { len } => write!(
                f,
                "an identity has at most 256 characters, this one has {len}; shorten it"
            ),
            IdentityError::ControlChar { ch, position } => write!(
                f,
                "character {position} (`{}`) of the identity is a control character; remove it",
                ch.escape_debug()
            ),
        }
    }
}

impl std::error::Error for IdentityError {}

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
    /// The header or payload has more members than the ones the verifier reads and
    /// `MAX_OTHER_MEMBERS` others.
    TooManyMembers {
        /// Which segment.
        part: TokenPart,
        /// The limit on the other members.
        max: usize,
    },
    /// The header or payload has the same key twice, which readers may resolve differently.
    DuplicateKey {
        /// Which segment.
        part: TokenPart,
        /// The repeated key.
        key: String,
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
                "the token's {part} has more than {max} members besides the ones capability tokens \
                 and Access Tokens use; it was not read further"
            ),
            Malformed::DuplicateKey { part, key } => write!(
                f,
                "the token's {part} has the key `{}` twice",
                Truncated(key)
            ),
        }
    }
}

/// Shows at most 64 characters of untrusted text, escaped.
pub(crate) struct Truncated<'a>(pub(crate) &'a str);

impl fmt::Display for Truncated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 64;
        for (i, c) in self.0.chars().enumerate() {
            if i == MAX {
                return f.write_str("…");
            }
            write!(f, "{}", c.escape_debug())?;
        }
        Ok(())
    }
}
