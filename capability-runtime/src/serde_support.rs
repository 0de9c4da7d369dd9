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
use crate::{ClientName, Error, Identity};

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
pub(crate) use validated_text;

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
