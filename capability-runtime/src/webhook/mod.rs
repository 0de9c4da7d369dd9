//! Twilio's webhook signatures: checks that a request came from Twilio (feature `webhook`).
//!
//! Twilio signs each webhook request it sends with the `X-Twilio-Signature` header. A
//! [`Validator`] holds the keys and checks a [`Request`]: the URL Twilio requested (as
//! configured in the Twilio Console, not as the server sees it behind a proxy), the headers
//! and the body.
//!
//! ```
//! use capability_runtime::webhook::{AuthToken, FormParams, Request, Validator};
//!
//! let validator = Validator::new(AuthToken::new("12345")?);
//! let body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234\
//!              &From=%2B14158675309&To=%2B18005551212";
//! let params = FormParams::from_form(body)?;
//! let request = Request::form("https://mycompany.com/myapp.php?foo=1&bar=2", &params)
//!     .signature(Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="));
//! validator.validate(&request)?;
//! assert_eq!(params.get("To"), Some("+18005551212"));
//! # Ok::<(), capability_runtime::webhook::WebhookError>(())
//! ```
//!
//! # The algorithm
//! As twilio-python's `RequestValidator` and twilio-node's `validateRequest` compute it:
//!
//! 1. The signed string is the URL, byte for byte, followed by the form parameters sorted by
//!    name; each name is followed by its values, sorted and de-duplicated, as `name` `value`
//!    with no separator. A JSON body adds nothing: see 4.
//! 2. The signature is the base64 of its HMAC-SHA1 under the auth token, or, when the request
//!    has `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=<name>`, its HMAC-SHA1 or
//!    HMAC-SHA256 (as `algorithm` names it; HMAC-SHA1 when absent) under the SharedKey `<id>`.
//! 3. Two URLs are tried: without its port (any port), and with the scheme's default port when
//!    it has none (`:443` for https, `:80` for http). Nothing else is changed: not the scheme,
//!    the host's case, the path or the query.
//! 4. A body that is not a form (Twilio's JSON webhooks) has `bodySHA256=<hex SHA-256 of the
//!    body>` in the URL's query; the signature covers the URL alone, and the body must hash to
//!    `bodySHA256`: a body that does not is refused even when the signature is right.
//! 5. The auth token may have a secondary ([`Validator::with_secondary`]) while it is rotated:
//!    a signature under either is accepted.
//! 6. Tags are compared in constant time.
//!
//! # Limits
//! A URL over [`MAX_URL_LEN`] bytes, a body over [`MAX_BODY_LEN`] bytes and a form over
//! [`MAX_PARAMS`] parameters are refused before any HMAC is computed, each with its own
//! [`WebhookError`].

mod error;
mod keys;
mod params;
mod signature;
mod url;

pub use error::WebhookError;
pub use keys::{Algorithm, AuthToken, SharedKey, SignatureSettings};
pub use params::FormParams;
pub use signature::body_sha256;

use std::borrow::Cow;

use subtle::ConstantTimeEq as _;

use keys::Keyed;

/// The longest URL read, in bytes. Twilio's own limit on a webhook URL is lower.
///
/// ```
/// use capability_runtime::webhook::{AuthToken, FormParams, MAX_URL_LEN, WebhookError};
///
/// let url = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
/// let token = AuthToken::new("12345")?;
/// assert!(matches!(token.sign(&url, &FormParams::new()), Err(WebhookError::UrlTooLong { .. })));
/// # Ok::<(), WebhookError>(())
/// ```
pub const MAX_URL_LEN: usize = 8 * 1024;

/// The longest body read, in bytes: a form or a JSON body.
///
/// ```
/// use capability_runtime::webhook::{FormParams, MAX_BODY_LEN, WebhookError};
///
/// let body = vec![b'a'; MAX_BODY_LEN + 1];
/// assert_eq!(FormParams::from_form(&body), Err(WebhookError::BodyTooLarge { max: MAX_BODY_LEN }));
/// ```
pub const MAX_BODY_LEN: usize = 1024 * 1024;

/// The most form parameters read. A Voice webhook has about 20.
///
/// ```
/// use capability_runtime::webhook::{FormParams, MAX_PARAMS, WebhookError};
///
/// let body = vec!["a=1"; MAX_PARAMS + 1].join("&");
/// assert_eq!(FormParams::from_form(body.as_bytes()), Err(WebhookError::TooManyParams));
/// ```
pub const MAX_PARAMS: usize = 1000;

/// The name of the header that carries the signature.
///
/// ```
/// assert_eq!(capability_runtime::webhook::SIGNATURE_HEADER, "X-Twilio-Signature");
/// ```
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

/// The name of the header that names a SharedKey and its algorithm.
///
/// ```
/// use capability_runtime::webhook::SETTINGS_HEADER;
/// assert_eq!(SETTINGS_HEADER, "X-Twilio-Webhooks-Signature-Settings");
/// ```
pub const SETTINGS_HEADER: &str = "X-Twilio-Webhooks-Signature-Settings";

/// What a webhook request carries, borrowed: the URL Twilio requested, the signature headers
/// and the body (a form's parameters or a JSON body).
///
/// ```
/// use capability_runtime::webhook::{FormParams, Request};
///
/// let params = FormParams::from_form(b"To=alice")?;
/// let form = Request::form("https://example.com/voice", &params)
///     .signature(Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="));
/// let json = Request::json("https://example.com/hook?bodySHA256=00", b"{}")
///     .signature(Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="))
///     .settings(Some("key=k1,algorithm=HMAC_SHA256"));
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    url: &'a str,
    signature: Option<&'a str>,
    settings: Option<&'a str>,
    body: Body<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Body<'a> {
    Form(&'a FormParams),
    Json(&'a [u8]),
}

impl<'a> Request<'a> {
    /// A request with a form body (or none: give empty parameters).
    ///
    /// ```
    /// # use capability_runtime::webhook::{FormParams, Request};
    /// let params = FormParams::new();
    /// let request = Request::form("https://example.com/voice", &params);
    /// ```
    pub fn form(url: &'a str, params: &'a FormParams) -> Self {
        Self {
            url,
            signature: None,
            settings: None,
            body: Body::Form(params),
        }
    }

    /// A request with a body that is not a form (Twilio's JSON webhooks): its URL must carry
    /// `bodySHA256`.
    ///
    /// ```
    /// use capability_runtime::webhook::{body_sha256, Request};
    ///
    /// let body = br#"{"CallSid":"CA123"}"#;
    /// let url = format!("https://example.com/events?bodySHA256={}", body_sha256(body));
    /// let request = Request::json(&url, body);
    /// ```
    pub fn json(url: &'a str, body: &'a [u8]) -> Self {
        Self {
            url,
            signature: None,
            settings: None,
            body: Body::Json(body),
        }
    }

    /// The value of `X-Twilio-Signature`, `None` when the request has none.
    ///
    /// ```
    /// # use capability_runtime::webhook::{FormParams, Request};
    /// let params = FormParams::new();
    /// let request = Request::form("https://example.com/voice", &params)
    ///     .signature(Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    /// ```
    pub fn signature(self, signature: Option<&'a str>) -> Self {
        Self { signature, ..self }
    }

    /// The value of `X-Twilio-Webhooks-Signature-Settings`, `None` when the request has none.
    ///
    /// ```
    /// # use capability_runtime::webhook::{FormParams, Request};
    /// let params = FormParams::new();
    /// let request = Request::form("https://example.com/voice", &params)
    ///     .settings(Some("key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"));
    /// ```
    pub fn settings(self, settings: Option<&'a str>) -> Self {
        Self { settings, ..self }
    }
}

/// Which key signed an accepted request.
///
/// ```
/// use capability_runtime::webhook::{AuthToken, FormParams, Request, SignedWith, Validator};
///
/// let params = FormParams::new();
/// let signature = AuthToken::new("12345")?.sign("https://example.com/", &params)?;
/// let accepted = Validator::new(AuthToken::new("12345")?)
///     .validate(&Request::form("https://example.com/", &params).signature(Some(&signature)))?;
/// assert_eq!(accepted.signed_with(), &SignedWith::AuthToken);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedWith {
    /// The auth token.
    AuthToken,
    /// The secondary auth token ([`Validator::with_secondary`]).
    SecondaryAuthToken,
    /// The SharedKey with this id.
    SharedKey(String),
}

/// Which URL an accepted request was signed for (see [the algorithm](self#the-algorithm), 3).
///
/// ```
/// use capability_runtime::webhook::{AuthToken, FormParams, Request, UrlForm, Validator};
///
/// let params = FormParams::new();
/// let signature = AuthToken::new("12345")?.sign("https://example.com/", &params)?;
/// let accepted = Validator::new(AuthToken::new("12345")?)
///     .validate(&Request::form("https://example.com:8443/", &params).signature(Some(&signature)))?;
/// assert_eq!(accepted.url_form(), UrlForm::WithoutPort);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlForm {
    /// The URL as given.
    AsGiven,
    /// The URL as given, less its port.
    WithoutPort,
    /// The URL as given, plus the scheme's default port.
    WithDefaultPort,
}

/// What an accepted request was signed with, and for which URL.
///
/// ```
/// use capability_runtime::webhook::{AuthToken, FormParams, Request, SignedWith, UrlForm, Validator};
///
/// let token = AuthToken::new("12345")?;
/// let params = FormParams::new();
/// let signature = token.sign("https://example.com:443/voice", &params)?;
/// let validator = Validator::new(AuthToken::new("other")?).with_secondary(token);
/// let accepted = validator
///     .validate(&Request::form("https://example.com/voice", &params).signature(Some(&signature)))?;
/// assert_eq!(accepted.signed_with(), &SignedWith::SecondaryAuthToken);
/// assert_eq!(accepted.url_form(), UrlForm::WithDefaultPort);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validated {
    signed_with: SignedWith,
    url_form: UrlForm,
}

impl Validated {
    /// The key that signed the request (see [`SignedWith`] for an example).
    pub fn signed_with(&self) -> &SignedWith {
        &self.signed_with
    }

    /// The URL the request was signed for (see [`UrlForm`] for an example).
    pub fn url_form(&self) -> UrlForm {
        self.url_form
    }
}

/// The keys webhook requests are checked with: the auth token (and its secondary while it is
/// rotated) and any SharedKeys. Keyed once; cheap to share between threads. `Debug` shows no
/// secret.
///
/// ```
/// use capability_runtime::webhook::{AuthToken, SharedKey, Validator};
///
/// let validator = Validator::new(AuthToken::new("s3cr3t-1")?)
///     .with_secondary(AuthToken::new("s3cr3t-2")?)
///     .with_shared_key(SharedKey::new("webhooks_sharedkey_1", "s3cr3t-3")?)?;
/// assert!(!format!("{validator:?}").contains("s3cr3t"));
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct Validator {
    primary: Option<AuthToken>,
    secondary: Option<AuthToken>,
    shared: Vec<SharedKey>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("auth_token", &self.primary.as_ref().map(|_| "[redacted]"))
            .field("secondary", &self.secondary.as_ref().map(|_| "[redacted]"))
            .field(
                "shared_keys",
                &self.shared.iter().map(SharedKey::id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Validator {
    /// A validator for requests signed with the account's auth token.
    ///
    /// ```
    /// # use capability_runtime::webhook::{AuthToken, Validator};
    /// let validator = Validator::new(AuthToken::new("12345")?);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn new(auth_token: AuthToken) -> Self {
        Self {
            primary: Some(auth_token),
            secondary: None,
            shared: Vec::new(),
        }
    }

    /// A validator for SharedKey requests only: a request without the signature settings header
    /// is refused with [`WebhookError::NoAuthToken`].
    ///
    /// ```
    /// # use capability_runtime::webhook::{SharedKey, Validator};
    /// let validator = Validator::shared_keys_only().with_shared_key(SharedKey::new("k1", "secret")?)?;
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn shared_keys_only() -> Self {
        Self {
            primary: None,
            secondary: None,
            shared: Vec::new(),
        }
    }

    /// Also accepts signatures under a secondary auth token, while the auth token is rotated.
    ///
    /// ```
    /// # use capability_runtime::webhook::{AuthToken, Validator};
    /// let validator = Validator::new(AuthToken::new("new")?).with_secondary(AuthToken::new("old")?);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn with_secondary(self, secondary: AuthToken) -> Self {
        Self {
            secondary: Some(secondary),
            ..self
        }
    }

    /// Adds a SharedKey, found by the id the signature settings header names. A second key with
    /// the same id is [`WebhookError::InvalidKeyId`].
    ///
    /// ```
    /// # use capability_runtime::webhook::{SharedKey, Validator, WebhookError};
    /// let validator = Validator::shared_keys_only().with_shared_key(SharedKey::new("k1", "a")?)?;
    /// assert!(matches!(
    ///     validator.with_shared_key(SharedKey::new("k1", "b")?),
    ///     Err(WebhookError::InvalidKeyId(_))
    /// ));
    /// # Ok::<(), WebhookError>(())
    /// ```
    pub fn with_shared_key(mut self, key: SharedKey) -> Result<Self, WebhookError> {
        if self.shared.iter().any(|k| k.id == key.id) {
            return Err(WebhookError::InvalidKeyId(
                "two SharedKeys have the same id",
            ));
        }
        self.shared.push(key);
        Ok(self)
    }

    /// Checks a request (see [the algorithm](self#the-algorithm)). On success, says which key
    /// and URL form it was signed with; otherwise the [`WebhookError`] says what failed.
    ///
    /// ```
    /// use capability_runtime::webhook::{AuthToken, FormParams, Request, Validator, WebhookError};
    ///
    /// let validator = Validator::new(AuthToken::new("12345")?);
    /// let params = FormParams::from_form(b"To=alice")?;
    /// let request = Request::form("https://example.com/voice", &params)
    ///     .signature(Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    /// assert_eq!(validator.validate(&request), Err(WebhookError::Mismatch));
    /// # Ok::<(), WebhookError>(())
    /// ```
    pub fn validate(&self, request: &Request<'_>) -> Result<Validated, WebhookError> {
        url::check(request.url)?;
        let header = request.signature.ok_or(WebhookError::NoSignature)?;
        let (keys, algorithm) = self.keys_for(request.settings)?;
        let (given, len) = signature::decode(header).ok_or(WebhookError::MalformedSignature)?;
        if len != algorithm.tag_len() {
            return Err(WebhookError::MalformedSignature);
        }
        let given = &given[..len];
        let empty = FormParams::new();
        let (params, body_hash) = match request.body {
            Body::Form(params) => (params, None),
            Body::Json(body) => {
                if body.len() > MAX_BODY_LEN {
                    return Err(WebhookError::BodyTooLarge { max: MAX_BODY_LEN });
                }
                let expected = url::body_sha256(request.url).ok_or(WebhookError::NoBodyHash)?;
                (&empty, Some((body, expected)))
            }
        };
        let matches = |message: &[u8]| {
            keys.iter().flatten().find_map(|(key, signed_with)| {
                let tag = signature::tag(key, algorithm, message);
                bool::from(tag[..len].ct_eq(given)).then(|| signed_with.clone())
            })
        };
        let form = |cow: &Cow<'_, str>, changed| match cow {
            Cow::Borrowed(_) => UrlForm::AsGiven,
            Cow::Owned(_) => changed,
        };
        // The URL without its port first: the usual request is signed on the URL as configured,
        // which has none, and is checked with one HMAC.
        let without = url::without_port(request.url);
        let signed = signature::signed_string(&without, params);
        let accepted = match matches(&signed) {
            Some(signed_with) => Some(Validated {
                signed_with,
                url_form: form(&without, UrlForm::WithoutPort),
            }),
            None => {
                let with = url::with_default_port(request.url);
                let mut other = Vec::with_capacity(signed.len() + 4);
                other.extend_from_slice(with.as_bytes());
                other.extend_from_slice(&signed[without.len()..]);
                matches(&other).map(|signed_with| Validated {
                    signed_with,
                    url_form: form(&with, UrlForm::WithDefaultPort),
                })
            }
        };
        let accepted = accepted.ok_or(WebhookError::Mismatch)?;
        if let Some((body, expected)) = body_hash {
            if !bool::from(body_sha256(body).as_bytes().ct_eq(expected.as_bytes())) {
                return Err(WebhookError::BodyHashMismatch);
            }
        }
        Ok(accepted)
    }

    /// The keys a request is checked with, and the algorithm, from its settings header.
    #[allow(clippy::type_complexity)]
    fn keys_for(
        &self,
        settings: Option<&str>,
    ) -> Result<([Option<(&Keyed, SignedWith)>; 2], Algorithm), WebhookError> {
        match settings {
            Some(header) => {
                let settings = SignatureSettings::parse(header)?;
                let key = self
                    .shared
                    .iter()
                    .find(|k| k.id == settings.key_id())
                    .ok_or_else(|| WebhookError::UnknownKey {
                        id: WebhookError::quote(settings.key_id()),
                    })?;
                Ok((
                    [
                        Some((&key.keyed, SignedWith::SharedKey(key.id.clone()))),
                        None,
                    ],
                    settings.algorithm(),
                ))
            }
            None => {
                let primary = self.primary.as_ref().ok_or(WebhookError::NoAuthToken)?;
                Ok((
                    [
                        Some((&primary.0, SignedWith::AuthToken)),
                        self.secondary
                            .as_ref()
                            .map(|s| (&s.0, SignedWith::SecondaryAuthToken)),
                    ],
                    Algorithm::HmacSha1,
                ))
            }
        }
    }
}
