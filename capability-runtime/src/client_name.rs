//! `ClientName`: the identity a device registers to receive calls.

use std::borrow::Cow;
use std::fmt;

/// The longest client name Twilio accepts, in characters.
pub const MAX_CLIENT_NAME_LEN: usize = 121;

const fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The client-name rule in `const` form: 1 to 121 characters of `[A-Za-z0-9_]`.
pub(crate) const fn is_valid_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_CLIENT_NAME_LEN {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) {
            return false;
        }
        i += 1;
    }
    true
}

fn check_name(s: &str) -> Result<(), ClientNameError> {
    if is_valid_name(s) {
        return Ok(());
    }
    if s.is_empty() {
        return Err(ClientNameError::Empty);
    }
    if let Some((index, ch)) = s
        .chars()
        .enumerate()
        .find(|&(_, c)| !(c.is_ascii() && is_name_byte(c as u8)))
    {
        return Err(ClientNameError::InvalidChar {
            ch,
            position: index + 1,
        });
    }
    Err(ClientNameError::TooLong { len: s.len() })
}

/// A Twilio Client name: 1 to 121 characters, each a letter, a digit or `_`.
///
/// Twilio documents other characters as "undefined behavior"; this type keeps them out.
///
/// ```
/// use capability_runtime::ClientName;
///
/// let alice = ClientName::new("Alice")?;
/// assert_eq!(alice.as_str(), "Alice");
///
/// let err = ClientName::new("alice-smith").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "character 6 (`-`) is not allowed in a client name; use letters, digits or `_`"
/// );
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientName(Cow<'static, str>);

impl ClientName {
    /// The client name in `name`, or the rule it breaks.
    pub(crate) fn parse(name: &str) -> Result<Self, ClientNameError> {
        check_name(name)?;
        Ok(Self(Cow::Owned(name.to_owned())))
    }

    /// The client name in `name`, taken without a copy, or the rule it breaks.
    pub(crate) fn parse_owned(name: String) -> Result<Self, ClientNameError> {
        check_name(&name)?;
        Ok(Self(Cow::Owned(name)))
    }

    /// A client name known at compile time. In a `const` item an invalid name is a compile error.
    ///
    /// # Panics
    /// When `name` is not a valid client name (at compile time in `const` context).
    /// Use [`new`](Self::new) for text that is not a literal.
    ///
    /// ```
    /// use capability_runtime::ClientName;
    ///
    /// const ALICE: ClientName = ClientName::from_static("Alice");
    /// ```
    pub const fn from_static(name: &'static str) -> Self {
        assert!(
            is_valid_name(name),
            "not a valid client name: use ClientName::new to see why"
        );
        Self(Cow::Borrowed(name))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, without a copy.
    pub(crate) fn into_cow(self) -> Cow<'static, str> {
        self.0
    }
}

impl fmt::Display for ClientName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ClientName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientName({:?})", &*self.0)
    }
}

impl AsRef<str> for ClientName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ClientName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ClientName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(s: &str) -> ClientNameError {
        match ClientName::parse(s) {
            Err(e) => e,
            other => panic!("expected a client name error, got {other:?}"),
        }
    }

    #[test]
    fn rules() {
        assert!(ClientName::parse("a").is_ok());
        assert!(ClientName::parse("Alice_2").is_ok());
        assert!(ClientName::parse(&"x".repeat(121)).is_ok());
        assert_eq!(problem(""), ClientNameError::Empty);
        assert_eq!(
            problem(&"x".repeat(122)),
            ClientNameError::TooLong { len: 122 }
        );
        assert_eq!(
            problem("Alice Smith"),
            ClientNameError::InvalidChar {
                ch: ' ',
                position: 6
            }
        );
        assert_eq!(
            problem("Zoë"),
            ClientNameError::InvalidChar {
                ch: 'ë',
                position: 3
            }
        );
        // Positions count characters, not bytes.
        assert_eq!(
            problem("éa-"),
            ClientNameError::InvalidChar {
                ch: 'é',
                position: 1
            }
        );
    }

    #[test]
    fn control_characters_are_escaped_in_messages() {
        let msg = ClientName::parse("a\nb").unwrap_err().to_string();
        assert_eq!(
            msg,
            "character 2 (`\\n`) is not allowed in a client name; use letters, digits or `_`"
        );
    }

    #[test]
    fn from_string_keeps_the_buffer() {
        let n = ClientName::try_from(String::from("Bob")).unwrap();
        assert_eq!(n, "Bob");
    }
}
