//! The `serde` feature: the validated types are written as their text and read back through their
//! own constructors, so a value read from JSON, a config file or a request passed the same check
//! as one made with `new`, and a bad one is refused with the same message.
//!
//! - [`AccountSid`], [`AppSid`] (every SID type of `sid.rs`), [`ClientName`] and [`Identity`]:
//!   serialize as strings; deserialize from strings, validated. The error is the constructor's
//!   own, so it names the rule that was broken (and, like it, does not quote SID-field text that
//!   may be a secret given in the wrong place).
//! - [`Token`]: serializes as its text, so it can sit in a `#[derive(Serialize)]` response. It is
//!   not deserialized: a token read from outside is checked with
//!   [`Credentials::verify_at`](crate::Credentials::verify_at), which gives a `VerifiedToken`.
//!
//! A new type joins in one line, [`validated_text!`], if it has `new(&str) -> Result<Self, Error>`
//! and `as_str(&self) -> &str`. SID types made by `sid_type!` get it from that macro.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;

#[cfg(feature = "jwt")]
use crate::Token;
use crate::{
    AccountSid, ApiKeySid, AppSid, ClientName, CredentialSid, Error, Identity, RoleSid, RoomSid,
    ServiceSid, SidKind, WorkerSid, WorkspaceSid,
};

/// A type written as its text and read back through its validating constructor.
pub(crate) trait ValidatedText: Sized {
    /// What the text must be, for serde's "invalid type: …, expected …" messages.
    const EXPECTING: &'static str;

    /// The validating constructor.
    fn parse(text: &str) -> Result<Self, Error>;

    /// The text written.
    fn text(&self) -> &str;
}

/// Reads a string and hands it to the type's constructor. Borrowed, transient and owned strings
/// all reach `visit_str` (serde's defaults), so no format needs a copy first.
struct TextVisitor<T>(PhantomData<T>);

impl<T: ValidatedText> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        // The runtime's own message: it names the rule and how to fix the value.
        T::parse(text).map_err(E::custom)
    }
}

pub(crate) fn serialize<T: ValidatedText, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.text())
}

pub(crate) fn deserialize<'de, T: ValidatedText, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(TextVisitor(PhantomData))
}

/// `validated_text!(Type, "what the text must be")`: `Serialize` and `Deserialize` for a type
/// with `new(&str) -> Result<Self, Error>` and `as_str(&self) -> &str`.
macro_rules! validated_text {
    ($name:ident, $expecting:expr) => {
        impl $crate::serde_support::ValidatedText for $name {
            const EXPECTING: &'static str = $expecting;

            fn parse(text: &str) -> Result<Self, $crate::Error> {
                Self::new(text)
            }

            fn text(&self) -> &str {
                self.as_str()
            }
        }

        // The `cfg`s below always hold (this module exists only with the feature); they are for
        // the docs, which then say the impls need the feature even when a macro made them.
        /// Written as its text.
        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::serde_support::serialize(self, serializer)
            }
        }

        /// Read from a string and validated by
        #[doc = concat!("[`", stringify!($name), "::new`]:")]
        /// a value that breaks a rule is an error whose message names the rule.
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::serde_support::deserialize(deserializer)
            }
        }
    };
}

// The SIDs: as a string, validated when read.
validated_text!(AccountSid, SidKind::Account.description());
validated_text!(AppSid, SidKind::Application.description());
validated_text!(ApiKeySid, SidKind::ApiKey.description());
validated_text!(CredentialSid, SidKind::Credential.description());
validated_text!(RoleSid, SidKind::Role.description());
validated_text!(RoomSid, SidKind::Room.description());
validated_text!(ServiceSid, SidKind::Service.description());
validated_text!(WorkerSid, SidKind::Worker.description());
validated_text!(WorkspaceSid, SidKind::Workspace.description());
validated_text!(ClientName, "a client name: 1 to 121 letters, digits or `_`");
validated_text!(
    Identity,
    "an identity: 1 to 256 characters, no control character"
);

/// Written as the token's text, so it can sit in a response:
///
/// ```
/// use capability_runtime::{ClientName, Credentials, Policy};
///
/// let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "your auth token")?;
/// let policy = Policy::builder().incoming(ClientName::new("alice")?).build()?;
/// let token = policy.sign_at(&credentials, 1_700_000_000);
///
/// let json = serde_json::to_string(&token).unwrap();
/// assert_eq!(json, format!("\"{token}\""));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[cfg(feature = "jwt")]
impl serde::Serialize for Token {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A policy read from its text (the grammar of `capability!` or `access_token!`) by the same
/// parser and validator as the macros. Every mistake is reported, each with its line and column
/// in the text, on one line (serde's error messages are one line).
#[cfg(feature = "dsl")]
struct PolicyText<T>(PhantomData<T>);

#[cfg(feature = "dsl")]
impl<T> Visitor<'_> for PolicyText<T>
where
    T: std::str::FromStr<Err = crate::ParseError>,
{
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a policy in the grammar of `capability!` or `access_token!`")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(|e: crate::ParseError| {
            let mistakes: Vec<String> = e
                .diagnostics()
                .iter()
                .map(|d| {
                    let help = d
                        .help()
                        .map(|h| format!(" (help: {h})"))
                        .unwrap_or_default();
                    format!(
                        "line {}, column {}: {}{help}",
                        d.line(),
                        d.column(),
                        d.message()
                    )
                })
                .collect();
            E::custom(format!("invalid policy: {}", mistakes.join("; ")))
        })
    }
}

/// Read from its text in the grammar of `capability!`, for a policy kept in configuration:
///
/// ```
/// # #[cfg(feature = "dsl")] {
/// use capability_runtime::Policy;
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Config {
///     agent: Policy,
/// }
///
/// let config: Config = serde_json::from_str(r#"{"agent": "incoming \"Alice\"; ttl 10m"}"#)?;
/// assert_eq!(config.agent.scope(), "scope:client:incoming?clientName=Alice");
///
/// let error = serde_json::from_str::<Config>(r#"{"agent": "incoming \"alice smith\"; ttl 600"}"#)
///     .unwrap_err()
///     .to_string();
/// assert!(error.starts_with("invalid policy: line 1, column 10: character 6 (` `) is not allowed in a client name"), "{error}");
/// assert!(error.contains("; line 1, column 29: the TTL `600` has no unit (help: write `600s`"), "{error}");
/// # }
/// # Ok::<(), serde_json::Error>(())
/// ```
#[cfg(feature = "dsl")]
impl<'de> serde::Deserialize<'de> for crate::Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(PolicyText(PhantomData))
    }
}

/// Read from its text in the grammar of `access_token!`, as [`Policy`](crate::Policy) is.
#[cfg(feature = "dsl")]
impl<'de> serde::Deserialize<'de> for crate::AccessPolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(PolicyText(PhantomData))
    }
}
