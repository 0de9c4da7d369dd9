//! [`WebhookError`]: why a webhook request was refused.

use std::fmt;

/// The longest request text (a key id, an algorithm name) an error message quotes; longer text
/// is cut, so that a hostile header cannot make a message large.
const QUOTE_MAX: usize = 64;

/// Why a webhook request was refused, or why its input could not be read.
///
/// Each message says what was wrong and how to fix it. No message contains a secret (an auth
/// token or a SharedKey secret), a URL, a parameter or a body: the only request text quoted is a
/// SharedKey id or an algorithm name from the signature settings header, cut to 64 characters
/// and escaped.
///
/// ```
/// use capability_runtime::webhook::{AuthToken, FormParams, Request, Validator, WebhookError};
///
/// let validator = Validator::new(AuthToken::new("12345")?);
/// let params = FormParams::new();
/// let request = Request::form("https://example.com/voice", &params);
/// assert_eq!(validator.validate(&request), Err(WebhookError::NoSignature));
/// # Ok::<(), WebhookError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request has no `X-Twilio-Signature` header.
    NoSignature,
    /// The request has more than one `X-Twilio-Signature` header.
    DuplicateSignature,
    /// The signature is not the base64 of an HMAC-SHA1 (28 characters) or HMAC-SHA256 (44
    /// characters) tag.
    MalformedSignature,
    /// The signature is well formed but matches none of the keys for any URL variant.
    Mismatch,
    /// The URL's `bodySHA256` is not the hex SHA-256 of the body: the body was altered. Refused
    /// even when the signature (which covers the URL) is right.
    BodyHashMismatch,
    /// A body that is not a form was given, but the URL's query has no `bodySHA256`.
    NoBodyHash,
    /// The signature settings header names a SharedKey id the validator does not have.
    UnknownKey {
        /// The key id, as the header names it (cut and escaped).
        id: String,
    },
    /// The signature settings header names an algorithm other than `HMAC_SHA1` and
    /// `HMAC_SHA256`.
    UnsupportedAlgorithm {
        /// The algorithm, as the header names it (cut and escaped).
        name: String,
    },
    /// The signature settings header is not `key=<id>,algorithm=<name>`, or appears twice.
    MalformedSettings(&'static str),
    /// The request has no signature settings header and the validator has no auth token (it
    /// holds SharedKeys only).
    NoAuthToken,
    /// An auth token or SharedKey secret given to the validator is empty.
    EmptySecret,
    /// A SharedKey id given to the validator is empty, or given twice.
    InvalidKeyId(&'static str),
    /// The URL is not an absolute `http://` or `https://` URL.
    InvalidUrl(&'static str),
    /// The URL is longer than [`MAX_URL_LEN`](super::MAX_URL_LEN).
    UrlTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The body is longer than [`MAX_BODY_LEN`](super::MAX_BODY_LEN) (or a smaller limit the
    /// caller set).
    BodyTooLarge {
        /// The limit, in bytes.
        max: usize,
    },
    /// The form has more than [`MAX_PARAMS`](super::MAX_PARAMS) parameters.
    TooManyParams,
    /// A form body (or the URL's query) is not valid UTF-8 once percent-decoded.
    InvalidUtf8 {
        /// The byte offset, in the decoded text, of the first invalid byte.
        at: usize,
    },
    /// A form body has a `%` that is not followed by two hex digits.
    InvalidPercentEncoding {
        /// The byte offset of the `%` in the body.
        at: usize,
    },
}

impl WebhookError {
    /// Quotes request text for a message: at most [`QUOTE_MAX`] characters, escaped.
    pub(crate) fn quote(text: &str) -> String {
        let mut out: String = text
            .chars()
            .take(QUOTE_MAX)
            .flat_map(char::escape_debug)
            .collect();
        if text.chars().nth(QUOTE_MAX).is_some() {
            out.push('…');
        }
        out
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSignature => f.write_str(
                "the request has no X-Twilio-Signature header: it did not come from Twilio",
            ),
            Self::DuplicateSignature => f.write_str(
                "the request has more than one X-Twilio-Signature header; Twilio sends one",
            ),
            Self::MalformedSignature => f.write_str(
                "the X-Twilio-Signature header is not the base64 of an HMAC-SHA1 or HMAC-SHA256 tag",
            ),
            Self::Mismatch => f.write_str(
                "the signature does not match this URL, these parameters and this key; the URL \
                 must be the one configured in the Twilio Console",
            ),
            Self::BodyHashMismatch => f.write_str(
                "the body's SHA-256 is not the URL's bodySHA256: the body was altered",
            ),
            Self::NoBodyHash => f.write_str(
                "a body that is not a form needs bodySHA256 in the URL's query, as Twilio sends it",
            ),
            Self::UnknownKey { id } => write!(
                f,
                "the signature settings name the SharedKey \"{id}\", which the validator does not \
                 have: add it with Validator::with_shared_key"
            ),
            Self::UnsupportedAlgorithm { name } => write!(
                f,
                "the signature settings name the algorithm \"{name}\"; supported: HMAC_SHA1, \
                 HMAC_SHA256"
            ),
            Self::MalformedSettings(why) => write!(
                f,
                "the X-Twilio-Webhooks-Signature-Settings header is malformed ({why}); expected \
                 key=<id>,algorithm=<name>"
            ),
            Self::NoAuthToken => f.write_str(
                "the request is signed with the auth token (it has no signature settings header), \
                 but the validator holds SharedKeys only",
            ),
            Self::EmptySecret => f.write_str("an auth token or SharedKey secret is empty"),
            Self::InvalidKeyId(why) => write!(f, "invalid SharedKey id: {why}"),
            Self::InvalidUrl(why) => write!(
                f,
                "the URL is not usable ({why}): give the absolute URL configured in the Twilio \
                 Console, such as https://example.com/voice"
            ),
            Self::UrlTooLong { len } => write!(
                f,
                "the URL is {len} bytes long; the limit is {} bytes",
                super::MAX_URL_LEN
            ),
            Self::BodyTooLarge { max } => {
                write!(f, "the body is longer than the limit of {max} bytes")
            }
            Self::TooManyParams => write!(
                f,
                "the form has more than {} parameters",
                super::MAX_PARAMS
            ),
            Self::InvalidUtf8 { at } => write!(
                f,
                "the form is not valid UTF-8 once percent-decoded (first invalid byte at decoded \
                 offset {at}); Twilio sends UTF-8"
            ),
            Self::InvalidPercentEncoding { at } => write!(
                f,
                "the form has a '%' at byte {at} that is not followed by two hex digits; write a \
                 literal '%' as %25"
            ),
        }
    }
}

impl std::error::Error for WebhookError {}
