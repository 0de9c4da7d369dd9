//! `Caller`: who is asking for a token. The one place where authentication happens.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

/// The header that names the caller in this demo: `X-User: alice`.
pub const USER_HEADER: &str = "x-user";

/// The authenticated caller: the name of the user a token is issued for.
///
/// # Demo authentication: replace it
///
/// This extractor **trusts the `X-User` header**, so anyone who can reach the server gets a token
/// for any user they name. It stands in for your application's authentication, and this is the
/// one place to put it. Every handler that issues a token takes a `Caller`, so none can issue one
/// without it. In a real server, do one of:
///
/// - **Here, in the extractor**: read the session cookie or the `Authorization: Bearer …` header,
///   verify it with your session store or identity provider, and build the `Caller` from the
///   user id it proves, never from text the client chose. Return
///   [`ApiError::MissingUser`] when there is no credential, so the client gets a 401.
/// - **In a middleware** (`axum::middleware::from_fn`) that authenticates every request, puts
///   the proven `Caller` into the request's extensions (`request.extensions_mut().insert(…)`),
///   and answers 401 itself; this extractor then only reads `parts.extensions.get::<Caller>()`.
///
/// Either way the rest of the server is unchanged: the handlers turn the caller's name into a
/// token identity with the runtime's own validation (`ClientName::new`, `Identity::new`).
///
/// The header is read strictly: absent is a 401, given twice or not UTF-8 is a 400. Its text is
/// not checked here; each token kind applies its own identity rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    name: String,
}

impl Caller {
    /// A caller with this name, as an authentication layer would make it after checking who the
    /// client is.
    ///
    /// ```
    /// use capability_token_server::Caller;
    ///
    /// let caller = Caller::new("alice");
    /// assert_eq!(caller.name(), "alice");
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }

    /// The user's name, not yet validated as a token identity.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // DEMO: the client names itself. Replace with real authentication (see the type's docs).
        let mut values = parts.headers.get_all(USER_HEADER).iter();
        let value = values.next().ok_or(ApiError::MissingUser)?;
        if values.next().is_some() {
            return Err(ApiError::RepeatedUser);
        }
        // `HeaderValue::to_str` accepts visible ASCII only; an identity may be any UTF-8 text.
        let name = std::str::from_utf8(value.as_bytes()).map_err(|_| ApiError::UserNotUtf8)?;
        Ok(Self::new(name))
    }
}
