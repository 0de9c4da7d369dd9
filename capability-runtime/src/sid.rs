//! Twilio SIDs: `AccountSid` and `AppSid`, and the other kinds we recognise in error messages.

use std::fmt;
use std::str::FromStr;

use crate::error::{Disclosure, Error, SidError, SidProblem};

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
fn check_sid(s: &str, kind: SidKind, disclosure: Disclosure) -> Result<[u8; SID_LEN], SidError> {
    if is_valid_sid(s, kind) {
        let mut bytes = [0; SID_LEN];
        bytes.copy_from_slice(s.as_bytes());
        return Ok(bytes);
    }
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
    Err(SidError::new(kind, s, problem, disclosure))
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
            pub fn new(sid: &str) -> Result<Self, Error> {
                check_sid(sid, $kind, Disclosure::UnlessSecretLike)
                    .map(Self)
                    .map_err(Error::InvalidSid)
            }

            /// [`new`](Self::new) for text written in a policy's source, which is no secret:
            /// the error quotes it whatever it is.
            #[allow(dead_code)]
            pub(crate) fn from_source(sid: &str) -> Result<Self, Error> {
                check_sid(sid, $kind, Disclosure::Quoted)
                    .map(Self)
                    .map_err(Error::InvalidSid)
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

// `ApiKey::new`'s arguments are easily swapped with its secret: its SID errors never quote the
// text (see `Disclosure::Never`).
#[cfg(feature = "jwt")]
impl ApiKeySid {
    pub(crate) fn new_redacted(sid: &str) -> Result<Self, Error> {
        check_sid(sid, SidKind::ApiKey, Disclosure::Never)
            .map(Self)
            .map_err(Error::InvalidSid)
    }
}

#[cfg(feature = "jwt")]
impl AccountSid {
    pub(crate) fn new_redacted(sid: &str) -> Result<Self, Error> {
        check_sid(sid, SidKind::Account, Disclosure::Never)
            .map(Self)
            .map_err(Error::InvalidSid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(s: &str) -> SidProblem {
        match AppSid::new(s) {
            Err(Error::InvalidSid(e)) => e.problem().clone(),
            other => panic!("expected an SID error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_both_cases_of_hex() {
        assert!(AppSid::new("AP0123456789abcdef0123456789ABCDEF").is_ok());
        assert!(AccountSid::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").is_ok());
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
            AppSid::from_source("APé"),
            Err(Error::InvalidSid(e)) if e.problem() == &SidProblem::InvalidChar { ch: 'é', position: 3 }
        ));
    }

    #[test]
    fn messages_name_the_kind_and_the_fix() {
        let msg = AppSid::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("is an Account SID; an Application SID starts with `AP`"),
            "{msg}"
        );
        let msg = AppSid::new("AP123").unwrap_err().to_string();
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
