//! The secrets a webhook is signed with ([`AuthToken`], [`SharedKey`]), the [`Algorithm`]s, and
//! the signature settings header that picks a SharedKey.

use std::fmt;

use hmac::{Hmac, KeyInit};
use sha1::Sha1;
use sha2::Sha256;

use super::WebhookError;

pub(crate) type HmacSha1 = Hmac<Sha1>;
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// A signature algorithm, as the `algorithm=` of `X-Twilio-Webhooks-Signature-Settings` names
/// it.
///
/// ```
/// use capability_runtime::webhook::Algorithm;
///
/// assert_eq!("HMAC_SHA256".parse::<Algorithm>()?, Algorithm::HmacSha256);
/// assert_eq!(Algorithm::HmacSha1.name(), "HMAC_SHA1");
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA1: auth token signatures, and SharedKey signatures whose settings name it or no
    /// algorithm.
    HmacSha1,
    /// HMAC-SHA256: SharedKey signatures whose settings name `HMAC_SHA256`.
    HmacSha256,
}

impl Algorithm {
    /// The name Twilio's header uses: `HMAC_SHA1` or `HMAC_SHA256`.
    ///
    /// ```
    /// assert_eq!(capability_runtime::webhook::Algorithm::HmacSha256.name(), "HMAC_SHA256");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC_SHA1",
            Self::HmacSha256 => "HMAC_SHA256",
        }
    }

    /// The length of the tag in bytes (20 or 32).
    pub(crate) fn tag_len(self) -> usize {
        match self {
            Self::HmacSha1 => 20,
            Self::HmacSha256 => 32,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = WebhookError;

    /// Reads `HMAC_SHA1` or `HMAC_SHA256`, ignoring ASCII case as twilio-python and twilio-node
    /// do; anything else is [`WebhookError::UnsupportedAlgorithm`], naming it.
    fn from_str(name: &str) -> Result<Self, WebhookError> {
        if name.eq_ignore_ascii_case("HMAC_SHA1") {
            Ok(Self::HmacSha1)
        } else if name.eq_ignore_ascii_case("HMAC_SHA256") {
            Ok(Self::HmacSha256)
        } else {
            Err(WebhookError::UnsupportedAlgorithm {
                name: WebhookError::quote(name),
            })
        }
    }
}

/// A keyed HMAC, kept for both algorithms: each request clones one instead of keying anew.
#[derive(Clone)]
pub(crate) struct Keyed {
    pub(crate) sha1: HmacSha1,
    pub(crate) sha256: HmacSha256,
}

impl Keyed {
    fn new(secret: &[u8]) -> Result<Self, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::EmptySecret);
        }
        // HMAC takes keys of any length: these never fail.
        Ok(Self {
            sha1: HmacSha1::new_from_slice(secret).map_err(|_| WebhookError::EmptySecret)?,
            sha256: HmacSha256::new_from_slice(secret).map_err(|_| WebhookError::EmptySecret)?,
        })
    }
}

/// An account's auth token, the key of `X-Twilio-Signature` when the request has no signature
/// settings header. Kept keyed into HMAC-SHA1; never shown (`Debug` prints `[redacted]`).
///
/// ```
/// use capability_runtime::webhook::{AuthToken, FormParams};
///
/// let token = AuthToken::new("12345")?;
/// assert_eq!(format!("{token:?}"), "AuthToken([redacted])");
/// let params = FormParams::from_pairs([("CallSid", "CA1234567890ABCDE"), ("Digits", "1234")])?;
/// let signature = token.sign("https://mycompany.com/myapp.php?foo=1&bar=2", &params)?;
/// assert_eq!(signature.len(), 28);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct AuthToken(pub(crate) Keyed);

impl AuthToken {
    /// Keys the token. An empty token is [`WebhookError::EmptySecret`].
    ///
    /// ```
    /// # use capability_runtime::webhook::{AuthToken, WebhookError};
    /// assert!(AuthToken::new("0123456789abcdef0123456789abcdef").is_ok());
    /// assert_eq!(AuthToken::new("").unwrap_err(), WebhookError::EmptySecret);
    /// ```
    pub fn new(token: &str) -> Result<Self, WebhookError> {
        Keyed::new(token.as_bytes()).map(Self)
    }

    /// Signs a form request as Twilio does: the base64 HMAC-SHA1 of the URL followed by the
    /// parameters (see [the module's documentation](super)). Refuses a URL that is not an
    /// absolute `http`/`https` URL or is over [`MAX_URL_LEN`](super::MAX_URL_LEN).
    ///
    /// ```
    /// use capability_runtime::webhook::{AuthToken, FormParams};
    ///
    /// let token = AuthToken::new("12345")?;
    /// let params = FormParams::from_pairs([
    ///     ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"),
    ///     ("From", "+14158675309"), ("To", "+18005551212"),
    /// ])?;
    /// let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    /// assert_eq!(token.sign(url, &params)?, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn sign(&self, url: &str, params: &super::FormParams) -> Result<String, WebhookError> {
        super::url::check(url)?;
        Ok(super::signature::sign(
            &self.0,
            Algorithm::HmacSha1,
            url,
            params,
        ))
    }
}

impl fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthToken([redacted])")
    }
}

/// A SharedKey: its id (the `key=` of `X-Twilio-Webhooks-Signature-Settings`) and its secret.
/// `Debug` shows the id, never the secret.
///
/// ```
/// use capability_runtime::webhook::{Algorithm, FormParams, SharedKey};
///
/// let key = SharedKey::new("webhooks_sharedkey_1", "s3cr3t")?;
/// assert_eq!(key.id(), "webhooks_sharedkey_1");
/// assert!(!format!("{key:?}").contains("s3cr3t"));
/// let signature = key.sign(Algorithm::HmacSha256, "https://example.com/hook", &FormParams::new())?;
/// assert_eq!(signature.len(), 44);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct SharedKey {
    pub(crate) id: String,
    pub(crate) keyed: Keyed,
}

impl SharedKey {
    /// A key id and its secret. An empty id is [`WebhookError::InvalidKeyId`]; an empty
    /// secret, [`WebhookError::EmptySecret`].
    ///
    /// ```
    /// # use capability_runtime::webhook::{SharedKey, WebhookError};
    /// assert!(SharedKey::new("webhooks_sharedkey_1", "secret").is_ok());
    /// assert_eq!(SharedKey::new("k1", "").unwrap_err(), WebhookError::EmptySecret);
    /// ```
    pub fn new(id: &str, secret: &str) -> Result<Self, WebhookError> {
        if id.is_empty() {
            return Err(WebhookError::InvalidKeyId("the id is empty"));
        }
        if id.contains([',', '=']) || id.trim() != id {
            return Err(WebhookError::InvalidKeyId(
                "the id has a ',' or '=' or surrounding spaces, which the settings header cannot carry",
            ));
        }
        Ok(Self {
            id: id.to_owned(),
            keyed: Keyed::new(secret.as_bytes())?,
        })
    }

    /// The key id.
    ///
    /// ```
    /// # use capability_runtime::webhook::SharedKey;
    /// assert_eq!(SharedKey::new("k1", "secret")?.id(), "k1");
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Signs a form request with this key and `algorithm`, as [`AuthToken::sign`] does.
    ///
    /// ```
    /// # use capability_runtime::webhook::{Algorithm, FormParams, SharedKey};
    /// let key = SharedKey::new("k1", "secret")?;
    /// let params = FormParams::from_pairs([("To", "+15551234567")])?;
    /// assert_eq!(key.sign(Algorithm::HmacSha1, "https://example.com/", &params)?.len(), 28);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn sign(
        &self,
        algorithm: Algorithm,
        url: &str,
        params: &super::FormParams,
    ) -> Result<String, WebhookError> {
        super::url::check(url)?;
        Ok(super::signature::sign(&self.keyed, algorithm, url, params))
    }
}

impl fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedKey")
            .field("id", &self.id)
            .field("secret", &format_args!("[redacted]"))
            .finish()
    }
}

/// `X-Twilio-Webhooks-Signature-Settings`, read: the SharedKey id and the algorithm.
///
/// The header is `key=<id>,algorithm=<name>`: comma-separated `name=value` parts, each trimmed
/// of spaces. A missing `algorithm` means `HMAC_SHA1`, as in twilio-python and twilio-node.
/// Refused: no `key`, an empty `key`, a part named twice, a part without `=`, or a header over
/// 1,024 bytes.
///
/// ```
/// use capability_runtime::webhook::{Algorithm, SignatureSettings};
///
/// let settings = SignatureSettings::parse("key=webhooks_sharedkey_1, algorithm=HMAC_SHA256")?;
/// assert_eq!(settings.key_id(), "webhooks_sharedkey_1");
/// assert_eq!(settings.algorithm(), Algorithm::HmacSha256);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureSettings {
    key_id: String,
    algorithm: Algorithm,
}

/// The longest signature settings header read.
const MAX_SETTINGS_LEN: usize = 1024;

impl SignatureSettings {
    /// Reads the header's value.
    ///
    /// ```
    /// # use capability_runtime::webhook::{SignatureSettings, WebhookError};
    /// assert!(matches!(SignatureSettings::parse("algorithm=HMAC_SHA256"), Err(WebhookError::MalformedSettings(_))));
    /// ```
    pub fn parse(header: &str) -> Result<Self, WebhookError> {
        if header.len() > MAX_SETTINGS_LEN {
            return Err(WebhookError::MalformedSettings("longer than 1024 bytes"));
        }
        let mut key = None;
        let mut algorithm = None;
        for part in header.split(',') {
            let (name, value) = part
                .split_once('=')
                .ok_or(WebhookError::MalformedSettings("a part has no '='"))?;
            let slot = match name.trim() {
                "key" => &mut key,
                "algorithm" => &mut algorithm,
                // Unknown parts are left for future settings, as the official libraries do.
                _ => continue,
            };
            if slot.replace(value.trim()).is_some() {
                return Err(WebhookError::MalformedSettings("a part is given twice"));
            }
        }
        let key_id = key.ok_or(WebhookError::MalformedSettings("no key"))?;
        if key_id.is_empty() {
            return Err(WebhookError::MalformedSettings("the key is empty"));
        }
        let algorithm = match algorithm {
            None | Some("") => Algorithm::HmacSha1,
            Some(name) => name.parse()?,
        };
        Ok(Self {
            key_id: key_id.to_owned(),
            algorithm,
        })
    }

    /// The SharedKey id (`key=`).
    ///
    /// ```
    /// # use capability_runtime::webhook::SignatureSettings;
    /// assert_eq!(SignatureSettings::parse("key=k1")?.key_id(), "k1");
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The algorithm (`algorithm=`, `HMAC_SHA1` when absent).
    ///
    /// ```
    /// # use capability_runtime::webhook::{Algorithm, SignatureSettings};
    /// assert_eq!(SignatureSettings::parse("key=k1")?.algorithm(), Algorithm::HmacSha1);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}
