//! `ApiError`: every way a request fails, as a status code and a JSON body.

use std::fmt;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Why a request got no token. The response is the status of [`ApiError::status`] and the JSON
/// body `{"error": "<message>"}`, the message saying what was wrong and how to fix it.
///
/// ```
/// use axum::http::StatusCode;
/// use capability_token_server::ApiError;
///
/// assert_eq!(ApiError::MissingUser.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(
///     ApiError::RepeatedUser.to_string(),
///     "more than one X-User header; send exactly one"
/// );
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiError {
    /// The request names no user: 401.
    MissingUser,
    /// The request names a user twice: 400.
    RepeatedUser,
    /// The header naming the user is not UTF-8 text: 400.
    UserNotUtf8,
    /// The user's name is not a valid identity for the token asked for: 400, with the runtime's
    /// message naming the rule it breaks.
    InvalidUser(capability::Error),
    /// No route has this path: 404.
    NotFound,
    /// The route takes another method: 405.
    MethodNotAllowed,
    /// Signing failed (the system clock reads before 1970): 500. Not the caller's fault.
    Signing(capability::Error),
}

impl ApiError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MissingUser => StatusCode::UNAUTHORIZED,
            ApiError::RepeatedUser | ApiError::UserNotUtf8 | ApiError::InvalidUser(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Signing(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::MissingUser => f.write_str(
                "no X-User header; name the user the token is for, e.g. `X-User: alice`",
            ),
            ApiError::RepeatedUser => f.write_str("more than one X-User header; send exactly one"),
            ApiError::UserNotUtf8 => {
                f.write_str("the X-User header is not UTF-8 text; send the user's name as UTF-8")
            }
            ApiError::InvalidUser(e) => write!(f, "invalid X-User header: {e}"),
            ApiError::NotFound => {
                f.write_str("no such endpoint; use GET /token/capability or GET /token/access")
            }
            ApiError::MethodNotAllowed => {
                f.write_str("method not allowed; the token endpoints answer GET")
            }
            ApiError::Signing(e) => write!(f, "the server could not sign a token: {e}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status(),
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response();
        match self {
            // A 401 names the scheme that would succeed (RFC 9110, section 11.6.1): here, the
            // demo's header. Real authentication names its own, e.g. `Bearer`.
            ApiError::MissingUser => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("X-User"));
            }
            ApiError::MethodNotAllowed => {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET,HEAD"));
            }
            _ => {}
        }
        response
    }
}
