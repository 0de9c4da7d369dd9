//! `Identity`: who an Access Token is for.

use std::borrow::Cow;
use std::fmt;

use crate::client_name::ClientName;

/// The longest identity Twilio accepts, in characters.
pub const MAX_IDENTITY_LEN: usize = 256;

/// The identity rule in `const` form: 1 to 256 characters, none a control character
/// (U+0000–U+001F, U+007F–U+009F, as [`char::is_control`]).
const fn is_valid_identity(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut chars = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // U+0080–U+009F are 0xC2 0x80 ..= 0xC2 0x9F in UTF-8.
        if b < 0x20 || b == 0x7F || (b == 0xC2 && i + 1 < bytes.len() && bytes[i + 1] < 0xA0) {
            return false;
        }
        if b & 0xC0 != 0x80 {
            chars += 1;
        }
        i += 1;
    }
    chars >= 1 && chars <= MAX_IDENTITY_LEN
}

fn check_identity(s: &str) -> Result<(), IdentityError> {
    // A valid identity takes at most 4 bytes a character; a longer text is checked only for
    // the error to give, in passes over its bytes that need no decoding (it may be a whole
    // token's length, from a token being verified).
    if s.len() <= 4 * MAX_IDENTITY_LEN && is_valid_identity(s) {
        return Ok(());
    }
    if s.is_empty() {
        return Err(IdentityError::Empty);
    }
    // Every control character is a byte below 0x20, 0x7F, or starts with 0xC2. Looked for 64
    // bytes at a time, each block folded without a branch per byte so that it runs many bytes
    // at once, and the search stopped at the first block that has one.
    let maybe_control = s.as_bytes().chunks(64).any(|block| {
        block.iter().fold(false, |found, &b| {
            found | (b < 0x20) | (b == 0x7F) | (b == 0xC2)
        })
    });
    if maybe_control {
        if let Some((index, ch)) = s.chars().enumerate().find(|(_, c)| c.is_control()) {
            return Err(IdentityError::ControlChar {
                ch,
                position: index + 1,
            });
        }
    }
    Err(IdentityError::TooLong {
        len: s.chars().count(),
    })
}

/// Who an Access Token is for: 1 to 256 characters, none a control character.
///
/// The `identity` of the token's grants: the user a Voice, Video, Conversations or Sync SDK signs
/// in as. A policy with a `voice` grant also needs the identity to be a valid [`ClientName`]
/// (letters, digits and `_`), which Twilio requires for voice; the policy's `build` checks it.
/// Every client name is an identity (`From`); an identity is a client name when it follows
/// that rule (`TryFrom`).
///
/// ```
/// use capability_runtime::{ClientName, Identity};
///
/// let alice = Identity::new("alice.smith@example.com")?;
/// assert_eq!(alice.as_str(), "alice.smith@example.com");
/// assert!(ClientName::try_from(&alice).is_err());
///
/// let bob = Identity::from(ClientName::new("bob_42")?);
/// assert_eq!(ClientName::try_from(&bob)?, "bob_42");
///
/// let err = Identity::new("eve\n").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "character 4 (`\\n`) of the identity is a control character; remove it"
/// );
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity(Cow<'static, str>);

impl Identity {
    /// The identity in `identity`, or the rule it breaks.
    pub(crate) fn parse(identity: &str) -> Result<Self, IdentityError> {
        check_identity(identity)?;
        Ok(Self(Cow::Owned(identity.to_owned())))
    }

    /// The identity in `identity`, taken without a copy, or the rule it breaks.
    pub(crate) fn parse_owned(identity: String) -> Result<Self, IdentityError> {
        check_identity(&identity)?;
        Ok(Self(Cow::Owned(identity)))
    }

    /// The text, without a copy.
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// An identity known at compile time. In a `const` item an invalid identity is a compile
    /// error.
    ///
    /// # Panics
    /// When `identity` is not a valid identity (at compile time in `const` context).
    /// Use [`new`](Self::new) for text that is not a literal.
    ///
    /// ```
    /// use capability_runtime::Identity;
    ///
    /// const ALICE: Identity = Identity::from_static("alice");
    /// ```
    pub const fn from_static(identity: &'static str) -> Self {
        assert!(
            is_valid_identity(identity),
            "not a valid identity: use Identity::new to see why"
        );
        Self(Cow::Borrowed(identity))
    }

    /// The identity as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identity({:?})", &*self.0)
    }
}

/// Every client name (1 to 121 letters, digits or `_`) is an identity.
impl From<ClientName> for Identity {
    fn from(name: ClientName) -> Self {
        Self(name.into_cow())
    }
}

impl From<&ClientName> for Identity {
    fn from(name: &ClientName) -> Self {
        Self::from(name.clone())
    }
}

impl AsRef<str> for Identity {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Identity {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Identity {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The rule an [`Identity`] breaks.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(s: &str) -> IdentityError {
        match Identity::parse(s) {
            Err(e) => e,
            other => panic!("expected an identity error, got {other:?}"),
        }
    }

    #[test]
    fn rules() {
        for ok in [
            "a",
            "0",
            "alice.smith+test_42@example.com",
            "José/Ünïcödé-用户",
            "😀 space\u{2028}",
        ] {
            assert!(Identity::parse(ok).is_ok(), "{ok:?}");
        }
        assert!(Identity::parse(&"é".repeat(256)).is_ok());
        assert_eq!(problem(""), IdentityError::Empty);
        assert_eq!(
            problem(&"é".repeat(257)),
            IdentityError::TooLong { len: 257 }
        );
        for (s, ch, position) in [
            ("a\0", '\0', 2),
            ("\x1fa", '\x1f', 1),
            ("ab\x7f", '\x7f', 3),
            ("é\u{80}", '\u{80}', 2),
            ("é\u{9f}", '\u{9f}', 2),
        ] {
            assert_eq!(problem(s), IdentityError::ControlChar { ch, position });
        }
        // U+00A0 (0xC2 0xA0) is not a control character.
        assert!(Identity::parse("a\u{a0}b").is_ok());
        // Texts longer than any identity's bytes: the same errors.
        for (s, len) in [
            ("a".repeat(1025), 1025),
            ("😀".repeat(300), 300),
            ("é\u{a0}".repeat(600), 1200),
        ] {
            assert_eq!(problem(&s), IdentityError::TooLong { len });
        }
        let long = format!("{}\u{85}{}", "é".repeat(700), "a".repeat(10));
        assert_eq!(
            problem(&long),
            IdentityError::ControlChar {
                ch: '\u{85}',
                position: 701
            }
        );
    }

    #[test]
    fn const_and_run_time_rules_agree_on_every_char_class() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let s = format!("x{c}y");
            assert_eq!(is_valid_identity(&s), !c.is_control(), "{c:?}");
        }
    }

    #[test]
    fn client_names_convert_both_ways() {
        let name = ClientName::from_static("Alice_1");
        let identity = Identity::from(name.clone());
        assert_eq!(identity, "Alice_1");
        assert_eq!(ClientName::try_from(identity).unwrap(), name);
        // The conversion that fails is with the crate's error (`tests/errors.rs`); the rule is
        // the client name's.
        let identity = Identity::from_static("a-b");
        assert!(ClientName::parse(identity.as_str()).is_err());
    }
}
