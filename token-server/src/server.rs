//! The router, and the start-up that `cargo run --example token-server` runs.

use std::fmt;
use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use crate::error::ApiError;
use crate::keys::{ConfigError, Keys};
use crate::tokens::{get_access_token, get_capability_token};

/// The port the server listens on when `PORT` is unset.
pub const DEFAULT_PORT: u16 = 3000;

/// The server's routes: `GET /token/capability` and `GET /token/access`, signing with `keys`.
///
/// Every response, error or not, carries `Cache-Control: no-store`: a token must not be kept
/// by a browser or a proxy. An unknown path or method gets a JSON error too.
///
/// ```
/// use std::sync::Arc;
/// use capability_token_server::{app, Keys};
///
/// let router = app(Arc::new(Keys::from_vars(|_| Ok(None))?));
/// // serve it: axum::serve(listener, router).await
/// # drop(router);
/// # Ok::<(), capability_token_server::ConfigError>(())
/// ```
pub fn app(keys: Arc<Keys>) -> Router {
    Router::new()
        .route("/token/capability", get(get_capability_token))
        .route("/token/access", get(get_access_token))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::map_response(no_store))
        .with_state(keys)
}

/// Marks a response as not to be stored by any cache.
async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Why the server did not start, or stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// A variable of the environment is wrong.
    Config(ConfigError),
    /// The port cannot be listened on (taken, or privileged).
    Bind {
        /// The port asked for.
        port: u16,
        /// The system's error.
        source: io::Error,
    },
    /// Writing the start-up lines, or serving, failed.
    Io(io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(e) => e.fmt(f),
            StartError::Bind { port, source } => write!(
                f,
                "cannot listen on 127.0.0.1:{port}: {source}; set PORT to a free port (0 picks one)"
            ),
            StartError::Io(e) => write!(f, "the server stopped: {e}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Config(e) => Some(e),
            StartError::Bind { source, .. } | StartError::Io(source) => Some(source),
        }
    }
}

impl From<ConfigError> for StartError {
    fn from(e: ConfigError) -> Self {
        StartError::Config(e)
    }
}

impl From<io::Error> for StartError {
    fn from(e: io::Error) -> Self {
        StartError::Io(e)
    }
}

/// The port from `PORT`, or [`DEFAULT_PORT`] when it is unset. `0` asks the system for any
/// free port.
///
/// # Errors
/// [`ConfigError::Port`] when `PORT` is not a number from 0 to 65535.
pub fn port(
    var: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
) -> Result<u16, ConfigError> {
    match var("PORT")? {
        None => Ok(DEFAULT_PORT),
        Some(value) => value
            .trim()
            .parse()
            .map_err(|_| ConfigError::Port { value }),
    }
}

/// Starts the server: reads the keys and the port from `var` (the process environment in the
/// example), listens on 127.0.0.1, writes where the keys came from and the server's URL to
/// `out`, and serves until the process ends.
///
/// # Errors
/// [`StartError`]: a wrong variable, a port that cannot be listened on, or an I/O error.
pub async fn run(
    var: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    mut out: impl Write,
) -> Result<(), StartError> {
    let port = port(&var)?;
    let keys = Keys::from_vars(&var)?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|source| StartError::Bind { port, source })?;
    let addr = listener.local_addr()?;
    write!(out, "{}", keys.sources())?;
    writeln!(out, "token server listening on http://{addr}")?;
    writeln!(
        out,
        "  curl -H 'X-User: alice' http://{addr}/token/capability\n  curl -H 'X-User: alice' http://{addr}/token/access"
    )?;
    out.flush()?;
    axum::serve(listener, app(Arc::new(keys))).await?;
    Ok(())
}
