//! [`FormParams`]: a webhook's form parameters, as ordered pairs with repeats.

use super::{WebhookError, MAX_BODY_LEN, MAX_PARAMS};

/// The form parameters of a webhook request, in the order they came, repeats kept (Twilio
/// repeats a name for list values). At most [`MAX_PARAMS`] pairs.
///
/// ```
/// use capability_runtime::webhook::FormParams;
///
/// let params = FormParams::from_form(b"To=%2B15551234567&Digits=1&Digits=2&Name=J%C3%BCrgen+M")?;
/// assert_eq!(params.get("To"), Some("+15551234567"));
/// assert_eq!(params.get_all("Digits").collect::<Vec<_>>(), ["1", "2"]);
/// assert_eq!(params.get("Name"), Some("Jürgen M"));
/// assert_eq!(params.len(), 4);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormParams {
    pairs: Vec<(String, String)>,
    /// The bytes of every name and value: the length of the signed string's parameter part
    /// (before de-duplication), kept so that it is allocated in one go.
    text_len: usize,
}

impl FormParams {
    /// No parameters.
    ///
    /// ```
    /// assert!(capability_runtime::webhook::FormParams::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a pair at the end. More than [`MAX_PARAMS`] pairs is
    /// [`WebhookError::TooManyParams`].
    ///
    /// ```
    /// # use capability_runtime::webhook::FormParams;
    /// let mut params = FormParams::new();
    /// params.push("Digits", "1")?;
    /// params.push("Digits", "1")?;
    /// assert_eq!(params.len(), 2);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn push(
        &mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<(), WebhookError> {
        if self.pairs.len() >= MAX_PARAMS {
            return Err(WebhookError::TooManyParams);
        }
        let (name, value) = (name.into(), value.into());
        self.text_len += name.len() + value.len();
        self.pairs.push((name, value));
        Ok(())
    }

    /// The pairs of an iterator, in its order.
    ///
    /// ```
    /// # use capability_runtime::webhook::FormParams;
    /// let params = FormParams::from_pairs([("From", "+15550001111"), ("To", "alice")])?;
    /// assert_eq!(params.get("To"), Some("alice"));
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn from_pairs<N, V>(pairs: impl IntoIterator<Item = (N, V)>) -> Result<Self, WebhookError>
    where
        N: Into<String>,
        V: Into<String>,
    {
        let mut params = Self::new();
        for (name, value) in pairs {
            params.push(name, value)?;
        }
        Ok(params)
    }

    /// Reads an `application/x-www-form-urlencoded` body (with the `form_urlencoded` crate:
    /// `&`-separated pairs, each split at its first `=`, `+` as a space, percent-decoded).
    ///
    /// Refused, each with its own [`WebhookError`]: a body over [`MAX_BODY_LEN`], more than
    /// [`MAX_PARAMS`] pairs, a `%` not followed by two hex digits, and text that is not UTF-8
    /// once decoded (rather than replacing it, which would change what was signed).
    ///
    /// ```
    /// # use capability_runtime::webhook::{FormParams, WebhookError};
    /// assert_eq!(FormParams::from_form(b"To=%FF"), Err(WebhookError::InvalidUtf8 { at: 3 }));
    /// assert_eq!(FormParams::from_form(b"To=50%"), Err(WebhookError::InvalidPercentEncoding { at: 5 }));
    /// ```
    pub fn from_form(body: &[u8]) -> Result<Self, WebhookError> {
        if body.len() > MAX_BODY_LEN {
            return Err(WebhookError::BodyTooLarge { max: MAX_BODY_LEN });
        }
        check_escapes(body)?;
        let mut params = Self::new();
        // `form_urlencoded` replaces invalid UTF-8 with U+FFFD: a body whose decoded text has
        // none was UTF-8, and is not decoded a second time to check it.
        let mut replaced = false;
        for (name, value) in form_urlencoded::parse(body) {
            replaced |= name.contains('\u{FFFD}') || value.contains('\u{FFFD}');
            if let Err(too_many) = params.push(name, value) {
                // Invalid UTF-8 anywhere in the body is reported before the count.
                check_utf8(body)?;
                return Err(too_many);
            }
        }
        if replaced {
            check_utf8(body)?;
        }
        Ok(params)
    }

    /// The first value of `name`.
    ///
    /// ```
    /// # use capability_runtime::webhook::FormParams;
    /// let params = FormParams::from_form(b"To=a&To=b")?;
    /// assert_eq!(params.get("To"), Some("a"));
    /// assert_eq!(params.get("From"), None);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn get<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.get_all(name).next()
    }

    /// Every value of `name`, in order.
    ///
    /// ```
    /// # use capability_runtime::webhook::FormParams;
    /// let params = FormParams::from_form(b"To=a&From=x&To=b")?;
    /// assert_eq!(params.get_all("To").collect::<Vec<_>>(), ["a", "b"]);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs, in order.
    ///
    /// ```
    /// # use capability_runtime::webhook::FormParams;
    /// let params = FormParams::from_form(b"b=2&a=1")?;
    /// assert_eq!(params.iter().collect::<Vec<_>>(), [("b", "2"), ("a", "1")]);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The number of pairs, repeats included.
    ///
    /// ```
    /// # use capability_runtime::webhook::FormParams;
    /// assert_eq!(FormParams::from_form(b"a=1&a=1")?.len(), 2);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    ///
    /// ```
    /// # use capability_runtime::webhook::FormParams;
    /// assert!(FormParams::from_form(b"")?.is_empty());
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The bytes of every name and value.
    pub(crate) fn text_len(&self) -> usize {
        self.text_len
    }
}

/// Refuses what `form_urlencoded::parse` would keep as it is: a `%` not followed by two hex
/// digits.
fn check_escapes(body: &[u8]) -> Result<(), WebhookError> {
    let mut i = 0;
    while let Some(offset) = body[i..].iter().position(|&b| b == b'%') {
        let at = i + offset;
        match body.get(at + 1..at + 3) {
            Some([a, b]) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => i = at + 3,
            _ => return Err(WebhookError::InvalidPercentEncoding { at }),
        }
    }
    Ok(())
}

/// Refuses what `form_urlencoded::parse` would repair: text that is not UTF-8 once decoded.
/// Decoding the whole body at once is enough: the separators `&`, `=` and `+` are ASCII, which
/// never continues a UTF-8 sequence, so the whole decoded text is UTF-8 exactly when every
/// decoded name and value is.
fn check_utf8(body: &[u8]) -> Result<(), WebhookError> {
    let decoded: Vec<u8> = percent_encoding::percent_decode(body).collect();
    std::str::from_utf8(&decoded)
        .map(|_| ())
        .map_err(|e| WebhookError::InvalidUtf8 {
            at: e.valid_up_to(),
        })
}
