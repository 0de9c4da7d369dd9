//! Twilio SIDs: `AccountSid` and `AppSid`, and the other kinds we recognise in error messages.

use std::fmt;

use crate::shown::Truncated;

/// Length of every Twilio SID: a two-letter prefix and 32 hexadecimal digits.
pub const SID_LEN: usize = 34;

/// The kinds of Twilio SID, told apart by their two-letter prefix.
///
/// Capability tokens use [`SidKind::Account`] and [`SidKind::Application`]; Access Tokens also
/// [`SidKind::ApiKey`] and the SIDs of their grants. The others are known so that an error can say
/// "`CA…` is a Call SID" instead of "bad prefix".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SidKind {
    /// `AC…`: an account (the token's issuer).
    Account,
    /// `AP…`: a TwiML application (the target of `outgoing`).
    Application,
    /// `CA…`: a call.
    Call,
    /// `CF…`: a conference.
    Conference,
    /// `PN…`: an incoming phone number.
    PhoneNumber,
    /// `QU…`: a queue.
    Queue,
    /// `RE…`: a recording.
    Recording,
    /// `SK…`: an API key.
    ApiKey,
    /// `SM…` or `MM…`: a message.
    Message,
    /// `IS…`: a service (Conversations/Chat or Sync).
    Service,
    /// `CR…`: a push credential.
    Credential,
    /// `RL…`: a role (a Chat deployment role).
    Role,
    /// `WS…`: a TaskRouter workspace.
    Workspace,
    /// `WK…`: a TaskRouter worker.
    Worker,
    /// `RM…`: a Video room.
    Room,
}

impl SidKind {
    const ALL: [(&'static str, SidKind); 16] = [
        ("AC", SidKind::Account),
        ("AP", SidKind::Application),
        ("CA", SidKind::Call),
        ("CF", SidKind::Conference),
        ("PN", SidKind::PhoneNumber),
        ("QU", SidKind::Queue),
        ("RE", SidKind::Recording),
        ("SK", SidKind::ApiKey),
        ("SM", SidKind::Message),
        ("MM", SidKind::Message),
        ("IS", SidKind::Service),
        ("CR", SidKind::Credential),
        ("RL", SidKind::Role),
        ("WS", SidKind::Workspace),
        ("WK", SidKind::Worker),
        ("RM", SidKind::Room),
    ];

    /// The two-letter prefix of this kind of SID (`"AC"`, `"AP"`, …).
    pub const fn prefix(self) -> &'static str {
        match self {
            SidKind::Account => "AC",
            SidKind::Application => "AP",
            SidKind::Call => "CA",
            SidKind::Conference => "CF",
            SidKind::PhoneNumber => "PN",
            SidKind::Queue => "QU",
            SidKind::Recording => "RE",
            SidKind::ApiKey => "SK",
            SidKind::Message => "SM",
            SidKind::Service => "IS",
            SidKind::Credential => "CR",
            SidKind::Role => "RL",
            SidKind::Workspace => "WS",
            SidKind::Worker => "WK",
            SidKind::Room => "RM",
        }
    }

    /// What a SID of this kind is called, with its article: "an Account SID".
    pub const fn description(self) -> &'static str {
        match self {
            SidKind::Account => "an Account SID",
            SidKind::Application => "an Application SID",
            SidKind::Call => "a Call SID",
            SidKind::Conference => "a Conference SID",
            SidKind::PhoneNumber => "a Phone Number SID",
            SidKind::Queue => "a Queue SID",
            SidKind::Recording => "a Recording SID",
            SidKind::ApiKey => "an API Key SID",
            SidKind::Message => "a Message SID",
            SidKind::Service => "a Service SID",
            SidKind::Credential => "a Credential SID",
            SidKind::Role => "a Role SID",
            SidKind::Workspace => "a Workspace SID",
            SidKind::Worker => "a Worker SID",
            SidKind::Room => "a Room SID",
        }
    }

    /// The kind whose prefix `s` starts with, if any.
    pub fn of(s: &str) -> Option<SidKind> {
        let prefix = s.get(..2)?;
        Self::ALL
            .iter()
            .find(|(p, _)| *p == prefix)
            .map(|&(_, kind)| kind)
    }
}

/// Whether `s` is a well-formed SID of `kind`: its prefix and 32 hexadecimal digits.
///
/// The one rule, in `const` form so that [`AccountSid::from_static`] can use it at compile time.
const fn is_valid_sid(s: &str, kind: SidKind) -> bool {
    let bytes = s.as_bytes();
    let prefix = kind.prefix().as_bytes();
    if bytes.len() != SID_LEN || bytes[0] != prefix[0] || bytes[1] != prefix[1] {
        return false;
    }
    let mut i = 2;
    while i < SID_LEN {
        if !bytes[i].is_ascii_hexdigit() {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `s` has the shape of some SID: two uppercase letters and 32 hexadecimal digits.
fn has_sid_shape(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == SID_LEN
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..].iter().all(u8::is_ascii_hexdigit)
}

/// Checks `s` against the SID rule for `kind`, saying precisely what is wrong.
///
/// A SID is not a secret, but the text given where one belongs may be one (an auth token
/// passed in the wrong argument): the error quotes the text only when it plainly is not a
/// secret, and otherwise says what is wrong without quoting it (see [`SidError::input`]).
///
/// Inlined, with the error out of line: a SID returned through memory from a call is read back
/// in pieces its writes cannot forward, a stall that measured longer than the check.
#[inline(always)]
fn check_sid(s: &str, kind: SidKind, disclosure: Disclosure) -> Result<[u8; SID_LEN], SidError> {
    match <&[u8; SID_LEN]>::try_from(s.as_bytes()) {
        Ok(bytes) if is_valid_sid(s, kind) => Ok(*bytes),
        _ => Err(sid_error(s, kind, disclosure)),
    }
}

/// What is wrong with `s`, which is not a SID of `kind`.
#[inline(never)]
fn sid_error(s: &str, kind: SidKind, disclosure: Disclosure) -> SidError {
    // Another kind is named only for text that has the shape of that kind.
    let problem = if s.is_empty() {
        SidProblem::Empty
    } else if has_sid_shape(s) {
        match SidKind::of(s) {
            Some(found) => SidProblem::WrongKind { found },
            None => SidProblem::WrongPrefix,
        }
    } else if !s.starts_with(kind.prefix()) {
        SidProblem::WrongPrefix
    } else if let Some((index, ch)) = s
        .chars()
        .enumerate()
        .skip(2)
        .find(|(_, c)| !c.is_ascii_hexdigit())
    {
        SidProblem::InvalidChar {
            ch,
            position: index + 1,
        }
    } else {
        SidProblem::WrongLength {
            len: s.chars().count(),
        }
    };
    SidError::new(kind, s, problem, disclosure)
}

/// Copies a SID known to be valid into its fixed-size form, in `const` context.
const fn sid_bytes(s: &str) -> [u8; SID_LEN] {
    let mut bytes = [0; SID_LEN];
    let src = s.as_bytes();
    let mut i = 0;
    while i < SID_LEN {
        bytes[i] = src[i];
        i += 1;
    }
    bytes
}

fn sid_str(bytes: &[u8; SID_LEN]) -> &str {
    // Only ever built from a `str` that passed `is_valid_sid`: all ASCII.
    std::str::from_utf8(bytes).unwrap_or_default()
}

macro_rules! sid_type {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; SID_LEN]);

        impl $name {
            /// The kind of SID this type holds.
            pub const KIND: SidKind = $kind;

            /// The SID in `sid`, or what is wrong with it; `disclosure` says how much the error
            /// may show of the text.
            pub(crate) fn parse(sid: &str, disclosure: Disclosure) -> Result<Self, SidError> {
                check_sid(sid, $kind, disclosure).map(Self)
            }

            /// A SID known at compile time. In a `const` item an invalid SID is a compile error.
            ///
            /// # Panics
            /// When `sid` is not a valid SID of this kind (at compile time in `const` context).
            /// Use [`new`](Self::new) for text that is not a literal.
            ///
            /// ```
            #[doc = concat!("use capability_runtime::", stringify!($name), ";")]
            ///
            #[doc = concat!("const SID: ", stringify!($name), " = ", stringify!($name), "::from_static(\"", $example, "\");")]
            /// ```
            pub const fn from_static(sid: &'static str) -> Self {
                assert!(
                    is_valid_sid(sid, $kind),
                    concat!("not a valid ", stringify!($name), ": use ", stringify!($name), "::new to see why")
                );
                Self(sid_bytes(sid))
            }

            /// The SID as text.
            pub fn as_str(&self) -> &str {
                sid_str(&self.0)
            }

            /// The SID's 34 ASCII bytes.
            pub const fn as_bytes(&self) -> &[u8; SID_LEN] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

sid_type!(
    /// An Account SID: `AC` followed by 32 hexadecimal digits. The issuer (`iss`) of every token.
    AccountSid,
    SidKind::Account,
    "AC0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// An Application SID: `AP` followed by 32 hexadecimal digits. The TwiML application that
    /// handles a device's outgoing calls.
    AppSid,
    SidKind::Application,
    "AP0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// An API Key SID: `SK` followed by 32 hexadecimal digits. The issuer (`iss`) of every Access
    /// Token.
    ApiKeySid,
    SidKind::ApiKey,
    "SK0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// A Service SID: `IS` followed by 32 hexadecimal digits. The Conversations/Chat or Sync
    /// service of a `chat` or `sync` grant.
    ServiceSid,
    SidKind::Service,
    "IS0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// A Credential SID: `CR` followed by 32 hexadecimal digits. The push credential of a `voice`
    /// or `chat` grant.
    CredentialSid,
    SidKind::Credential,
    "CR0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// A Role SID: `RL` followed by 32 hexadecimal digits. The deployment role of a `chat` grant.
    RoleSid,
    SidKind::Role,
    "RL0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// A Workspace SID: `WS` followed by 32 hexadecimal digits. The TaskRouter workspace of a
    /// `task_router` grant.
    WorkspaceSid,
    SidKind::Workspace,
    "WS0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// A Worker SID: `WK` followed by 32 hexadecimal digits. The TaskRouter worker of a
    /// `task_router` grant.
    WorkerSid,
    SidKind::Worker,
    "WK0123456789abcdef0123456789abcdef"
);

sid_type!(
    /// A Room SID: `RM` followed by 32 hexadecimal digits. A Video room, named by SID rather than
    /// by name in a `video` grant.
    RoomSid,
    SidKind::Room,
    "RM0123456789abcdef0123456789abcdef"
);

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
            || (input.starts_with(expected.prefix()) && len == SID_LEN);
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

#[cfg(test)]
mod tests {
    use super::*;

    impl AppSid {
        /// `new`'s parsing, without the crate's error above this module.
        fn parse_new(s: &str) -> Result<Self, SidError> {
            Self::parse(s, Disclosure::UnlessSecretLike)
        }
    }

    impl AccountSid {
        fn parse_new(s: &str) -> Result<Self, SidError> {
            Self::parse(s, Disclosure::UnlessSecretLike)
        }
    }

    fn problem(s: &str) -> SidProblem {
        match AppSid::parse_new(s) {
            Err(e) => e.problem().clone(),
            other => panic!("expected an SID error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_both_cases_of_hex() {
        assert!(AppSid::parse_new("AP0123456789abcdef0123456789ABCDEF").is_ok());
        assert!(AccountSid::parse_new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").is_ok());
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(problem(""), SidProblem::Empty);
        assert_eq!(
            problem("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            SidProblem::WrongKind {
                found: SidKind::Account
            }
        );
        assert_eq!(problem("XY123"), SidProblem::WrongPrefix);
        // Two letters are not a kind: only the shape of a SID names one.
        assert_eq!(problem("REPLACE_ME"), SidProblem::WrongPrefix);
        assert_eq!(problem("ISxxx"), SidProblem::WrongPrefix);
        assert_eq!(problem("CA0123"), SidProblem::WrongPrefix);
        assert_eq!(
            problem("CA0123456789abcdef0123456789abcdef"),
            SidProblem::WrongKind {
                found: SidKind::Call
            }
        );
        assert_eq!(
            problem("ZZ0123456789abcdef0123456789abcdef"),
            SidProblem::WrongPrefix
        );
        assert_eq!(
            problem("ap0123456789abcdef0123456789abcdef"),
            SidProblem::WrongPrefix
        );
        assert_eq!(problem("AP123"), SidProblem::WrongLength { len: 5 });
        assert_eq!(
            problem("AP0123456789abcdeg0123456789abcdef"),
            SidProblem::InvalidChar {
                ch: 'g',
                position: 18
            }
        );
        // Text that may be a secret names no character; text from a policy's source does.
        assert_eq!(problem("APé"), SidProblem::WrongLength { len: 3 });
        assert!(matches!(
            AppSid::parse("APé", Disclosure::Quoted),
            Err(e) if e.problem() == &SidProblem::InvalidChar { ch: 'é', position: 3 }
        ));
    }

    #[test]
    fn messages_name_the_kind_and_the_fix() {
        let msg = AppSid::parse_new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("is an Account SID; an Application SID starts with `AP`"),
            "{msg}"
        );
        let msg = AppSid::parse_new("AP123").unwrap_err().to_string();
        assert!(msg.contains("5 characters"), "{msg}");
        assert!(msg.contains("32 hexadecimal digits"), "{msg}");
    }

    #[test]
    fn const_construction() {
        const SID: AccountSid = AccountSid::from_static("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(SID.as_str(), "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(
            format!("{SID:?}"),
            "AccountSid(\"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\")"
        );
    }
}
