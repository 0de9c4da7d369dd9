//! `Token`: a signed token of either kind.

use std::fmt;

/// A signed token, capability token or Access Token: the JWT to hand to a Twilio SDK.
///
/// `Display` and [`as_str`](Self::as_str) give the whole token; `Debug` leaves out the signature,
/// so that a token logged by mistake cannot be replayed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token {
    text: String,
    expires_at: u64,
}

impl Token {
    /// A token of this text, which expires at `expires_at`.
    pub(crate) fn new(text: String, expires_at: u64) -> Self {
        Self { text, expires_at }
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The token's text, without a copy.
    pub fn into_string(self) -> String {
        self.text
    }

    /// When the token expires (its `exp` claim), in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unsigned = self.text.rsplit_once('.').map_or("", |(head, _)| head);
        f.debug_struct("Token")
            .field("unsigned", &unsigned)
            .field("signature", &format_args!("[redacted]"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl AsRef<str> for Token {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl From<Token> for String {
    fn from(token: Token) -> String {
        token.text
    }
}
