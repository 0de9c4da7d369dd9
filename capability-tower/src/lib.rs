//! A tower [`Layer`] that checks Twilio's webhook signatures before the service sees the request.
//!
//! [`TwilioWebhookLayer`] buffers the body (up to a limit), rebuilds the URL Twilio signed, and
//! checks `X-Twilio-Signature` with a [`Validator`] (the auth token, its secondary while it is
//! rotated, SharedKeys). A request that fails is answered `403 Forbidden` (`413` when the body is
//! over the limit, `400` when it cannot be read) and the inner service is never called. A request
//! that passes goes on with its body intact, and with two request extensions: the form's
//! [`FormParams`] (for a form body) and the [`Validated`] outcome.
//!
//! # The URL Twilio signed
//! Twilio signs the URL configured in the Twilio Console, such as
//! `https://abc.ngrok.app/voice`; behind a tunnel or a TLS-terminating proxy the server sees
//! another one (`http://127.0.0.1:3000/voice`). The layer never uses the `Host` header or the
//! server's own address. It takes the scheme and host from one of:
//!
//! - [`PublicUrl::base`]: an explicit public base URL, such as `https://abc.ngrok.app`. The
//!   signed URL is that base followed by the request's path and query. The base may carry a path
//!   prefix (`https://example.com/twilio`) when a proxy strips it.
//! - [`PublicUrl::trusted_proxy`]: `X-Forwarded-Proto` and `X-Forwarded-Host` (their first
//!   value), then the path and query. Use it only behind a proxy that sets both headers and
//!   removes those a client sent: otherwise a client picks the URL the signature is checked
//!   against. A request without both headers is refused.
//!
//! The path and query are the request's URI as the layer receives it: put the layer on the
//! router that sees the whole path (axum's `nest` strips its prefix before inner layers run).
//!
//! # With axum
//! ```
//! use axum::{routing::post, Extension, Router};
//! use capability_runtime::webhook::{AuthToken, FormParams, Validator};
//! use capability_tower::{PublicUrl, TwilioWebhookLayer};
//!
//! async fn voice(Extension(params): Extension<FormParams>) -> String {
//!     format!("call to {}", params.get("To").unwrap_or("nobody"))
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let validator = Validator::new(AuthToken::new("your auth token")?);
//! let layer = TwilioWebhookLayer::new(validator, PublicUrl::base("https://abc.ngrok.app")?);
//! let app: Router = Router::new().route("/voice", post(voice).layer(layer));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The examples of the repository's `docs/webhooks.md`, compiled and run as doctests.
#[doc = include_str!("../../docs/webhooks.md")]
#[cfg(doctest)]
pub struct WebhooksDoc;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Limited};
use tower_layer::Layer;
use tower_service::Service;

use capability_runtime::webhook::{self as webhook, SETTINGS_HEADER, SIGNATURE_HEADER};
pub use capability_runtime::webhook::{
    FormParams, Validated, Validator, WebhookError, MAX_BODY_LEN,
};

/// Where the layer takes the scheme and host of the signed URL from. See [the crate's
/// documentation](crate#the-url-twilio-signed).
///
/// ```
/// use capability_tower::PublicUrl;
///
/// let tunnel = PublicUrl::base("https://abc.ngrok.app")?;
/// let proxy = PublicUrl::trusted_proxy();
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(Source);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    Base(String),
    TrustedProxy,
}

impl PublicUrl {
    /// An explicit public base URL: `http://` or `https://`, a host, an optional port and path
    /// prefix, no query or fragment. A trailing `/` is dropped.
    ///
    /// ```
    /// use capability_tower::PublicUrl;
    ///
    /// assert!(PublicUrl::base("https://abc.ngrok.app/").is_ok());
    /// assert!(PublicUrl::base("abc.ngrok.app").is_err());
    /// assert!(PublicUrl::base("https://abc.ngrok.app/?a=1").is_err());
    /// ```
    pub fn base(url: &str) -> Result<Self, WebhookError> {
        let base = url.trim_end_matches('/');
        let lower = base.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or(WebhookError::InvalidUrl(
                "the public URL does not start with http:// or https://",
            ))?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(WebhookError::InvalidUrl("the public URL has no host"));
        }
        if rest.contains(['?', '#']) {
            return Err(WebhookError::InvalidUrl(
                "the public URL has a query or fragment; give the base only",
            ));
        }
        if base.len() > webhook::MAX_URL_LEN {
            return Err(WebhookError::UrlTooLong { len: base.len() });
        }
        Ok(Self(Source::Base(base.to_owned())))
    }

    /// `X-Forwarded-Proto` and `X-Forwarded-Host`, from a proxy you trust to set them.
    ///
    /// ```
    /// let public = capability_tower::PublicUrl::trusted_proxy();
    /// ```
    pub fn trusted_proxy() -> Self {
        Self(Source::TrustedProxy)
    }

    /// The signed URL of a request, or why it cannot be had.
    fn of(&self, headers: &HeaderMap, path_and_query: &str) -> Result<String, WebhookError> {
        let path_and_query = if path_and_query.is_empty() {
            "/"
        } else {
            path_and_query
        };
        match &self.0 {
            Source::Base(base) => Ok([base.as_str(), path_and_query].concat()),
            Source::TrustedProxy => {
                let first = |name: &'static str| {
                    let value = single(headers, name).ok_or(WebhookError::InvalidUrl(
                        "no single X-Forwarded-Proto and X-Forwarded-Host header",
                    ))?;
                    let first = value.split(',').next().unwrap_or("").trim();
                    if first.is_empty() {
                        return Err(WebhookError::InvalidUrl("an X-Forwarded header is empty"));
                    }
                    Ok(first)
                };
                let proto = first("x-forwarded-proto")?;
                let host = first("x-forwarded-host")?;
                if !proto.eq_ignore_ascii_case("https") && !proto.eq_ignore_ascii_case("http") {
                    return Err(WebhookError::InvalidUrl(
                        "X-Forwarded-Proto is not http or https",
                    ));
                }
                if host.contains(['/', '?', '#', '@', ' ']) {
                    return Err(WebhookError::InvalidUrl("X-Forwarded-Host is not a host"));
                }
                Ok([proto, "://", host, path_and_query].concat())
            }
        }
    }
}

/// The one value of a header, as text: `None` when absent, repeated or not visible ASCII.
fn single<'a>(headers: &'a HeaderMap, name: &'static str) -> Option<&'a str> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    value.to_str().ok()
}

/// A header that may be absent, but not repeated or unreadable.
fn optional<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
    repeated: WebhookError,
) -> Result<Option<&'a str>, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(repeated);
    }
    value.to_str().map(Some).map_err(|_| repeated)
}

struct Config {
    validator: Validator,
    public_url: PublicUrl,
    body_limit: usize,
}

/// The layer: wraps a service in a [`TwilioWebhook`]. Cheap to clone (the keys are shared).
///
/// ```
/// use capability_runtime::webhook::{AuthToken, Validator};
/// use capability_tower::{PublicUrl, TwilioWebhookLayer};
///
/// let validator = Validator::new(AuthToken::new("your auth token")?)
///     .with_secondary(AuthToken::new("the previous auth token")?);
/// let layer = TwilioWebhookLayer::new(validator, PublicUrl::trusted_proxy()).body_limit(64 * 1024);
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct TwilioWebhookLayer {
    config: Arc<Config>,
}

impl std::fmt::Debug for TwilioWebhookLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioWebhookLayer")
            .field("validator", &self.config.validator)
            .field("public_url", &self.config.public_url)
            .field("body_limit", &self.config.body_limit)
            .finish()
    }
}

impl TwilioWebhookLayer {
    /// Checks requests with `validator`, against the URL `public_url` gives. The body limit is
    /// [`MAX_BODY_LEN`].
    ///
    /// ```
    /// use capability_runtime::webhook::{AuthToken, Validator};
    /// use capability_tower::{PublicUrl, TwilioWebhookLayer};
    ///
    /// let validator = Validator::new(AuthToken::new("your auth token")?);
    /// let layer = TwilioWebhookLayer::new(validator, PublicUrl::base("https://abc.ngrok.app")?);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn new(validator: Validator, public_url: PublicUrl) -> Self {
        Self {
            config: Arc::new(Config {
                validator,
                public_url,
                body_limit: MAX_BODY_LEN,
            }),
        }
    }

    /// The longest body buffered, in bytes, at most [`MAX_BODY_LEN`] (a larger value is
    /// lowered to it). A longer body is answered `413 Payload Too Large`.
    ///
    /// ```
    /// # use capability_runtime::webhook::{AuthToken, Validator};
    /// # use capability_tower::{PublicUrl, TwilioWebhookLayer};
    /// let layer = TwilioWebhookLayer::new(Validator::new(AuthToken::new("t")?), PublicUrl::trusted_proxy())
    ///     .body_limit(16 * 1024);
    /// # Ok::<(), capability_runtime::webhook::WebhookError>(())
    /// ```
    pub fn body_limit(self, limit: usize) -> Self {
        let config = Config {
            validator: self.config.validator.clone(),
            public_url: self.config.public_url.clone(),
            body_limit: limit.min(MAX_BODY_LEN),
        };
        Self {
            config: Arc::new(config),
        }
    }
}

impl<S> Layer<S> for TwilioWebhookLayer {
    type Service = TwilioWebhook<S>;

    fn layer(&self, inner: S) -> TwilioWebhook<S> {
        TwilioWebhook {
            inner,
            config: Arc::clone(&self.config),
        }
    }
}

/// The service [`TwilioWebhookLayer`] makes: checks the signature, then calls `S`.
///
/// ```
/// use capability_runtime::webhook::{AuthToken, Validator};
/// use capability_tower::{PublicUrl, TwilioWebhook, TwilioWebhookLayer};
/// use tower_layer::Layer as _;
///
/// let layer = TwilioWebhookLayer::new(
///     Validator::new(AuthToken::new("your auth token")?),
///     PublicUrl::trusted_proxy(),
/// );
/// let service: TwilioWebhook<()> = layer.layer(());
/// # Ok::<(), capability_runtime::webhook::WebhookError>(())
/// ```
///
/// The request body type `B` is the inner service's too: the buffered body is put back with
/// `B::from(Bytes)` (axum's `Body` and http-body-util's `Full` have it). A refusal's response
/// carries the [`WebhookError`] as a response extension, for logging; its body is a short
/// text that names no secret.
#[derive(Clone)]
pub struct TwilioWebhook<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> std::fmt::Debug for TwilioWebhook<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioWebhook").finish_non_exhaustive()
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B, R> Service<Request<B>> for TwilioWebhook<S>
where
    S: Service<Request<B>, Response = Response<R>> + Clone + Send + 'static,
    S::Future: Send,
    B: Body + From<Bytes> + Send + 'static,
    B::Data: Send,
    B::Error: std::error::Error + Send + Sync + 'static,
    R: From<Bytes>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<R>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was polled ready serves this request; a fresh clone waits for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let config = Arc::clone(&self.config);
        Box::pin(async move {
            match check(&config, request).await {
                Ok(request) => inner.call(request).await,
                Err((status, error)) => Ok(refusal(status, error)),
            }
        })
    }
}

fn refusal<R: From<Bytes>>(status: StatusCode, error: Option<WebhookError>) -> Response<R> {
    let text: &'static str = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Twilio webhook: the body is over the limit\n",
        StatusCode::BAD_REQUEST => "Twilio webhook: the body could not be read\n",
        _ => "Twilio webhook: request validation failed\n",
    };
    let mut response = Response::new(R::from(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Some(error) = error {
        response.extensions_mut().insert(error);
    }
    response
}

/// Buffers, checks and rebuilds the request.
async fn check<B>(
    config: &Config,
    request: Request<B>,
) -> Result<Request<B>, (StatusCode, Option<WebhookError>)>
where
    B: Body + From<Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(WebhookError::BodyTooLarge {
                max: config.body_limit,
            }),
        )
    };
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > config.body_limit as u64) {
        return Err(too_large());
    }
    let (mut parts, body) = request.into_parts();
    let body = match Limited::new(body, config.body_limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => return Err(too_large()),
        Err(_) => return Err((StatusCode::BAD_REQUEST, None)),
    };
    let forbidden = |error: WebhookError| (StatusCode::FORBIDDEN, Some(error));
    let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let url = config
        .public_url
        .of(&parts.headers, path_and_query)
        .map_err(forbidden)?;
    let signature = optional(
        &parts.headers,
        SIGNATURE_HEADER,
        WebhookError::DuplicateSignature,
    )
    .map_err(forbidden)?;
    let settings = optional(
        &parts.headers,
        SETTINGS_HEADER,
        WebhookError::MalformedSettings("the header is given twice or is not text"),
    )
    .map_err(forbidden)?;
    let has_body_hash = url
        .split_once('?')
        .is_some_and(|(_, q)| form_has_body_hash(q));
    let (validated, params) = if has_body_hash {
        let request = webhook::Request::json(&url, &body)
            .signature(signature)
            .settings(settings);
        (
            config.validator.validate(&request).map_err(forbidden)?,
            None,
        )
    } else {
        let params = FormParams::from_form(&body).map_err(forbidden)?;
        let request = webhook::Request::form(&url, &params)
            .signature(signature)
            .settings(settings);
        let validated = config.validator.validate(&request).map_err(forbidden)?;
        (validated, Some(params))
    };
    parts.extensions.insert(validated);
    if let Some(params) = params {
        parts.extensions.insert(params);
    }
    Ok(Request::from_parts(parts, B::from(body)))
}

/// Whether a query has a `bodySHA256` parameter: the request's body is then not a form but
/// hashed into the URL (Twilio's JSON webhooks).
fn form_has_body_hash(query: &str) -> bool {
    query
        .split(['&', '#'])
        .any(|pair| pair.split('=').next() == Some("bodySHA256"))
}
