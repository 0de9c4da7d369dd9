//! The router, and the start-up that `cargo run --example token-server` runs.

use std::fmt;
use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

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
/// // serve it: capability_token_server::serve(listener, router).await
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

/// How the server bounds what slow or idle clients can hold: see [`serve_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The time a client has to send the whole head of a request (request line and headers),
    /// counted from when the server starts reading it: on a new connection, and on a kept-alive
    /// one after each response. A client still sending then, however steadily, is disconnected.
    pub header_read_timeout: Duration,
    /// The most connections served at once. Past it, the server accepts no more until one
    /// closes: new connections wait in the system's listen queue.
    pub max_connections: usize,
}

impl Default for Limits {
    /// 10 seconds for a request's head, 512 connections: what [`serve`] uses. Well under the
    /// usual limit of 1,024 open files a process starts with.
    fn default() -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 512,
        }
    }
}

/// Serves `router` on `listener` with the default [`Limits`]: see [`serve_with`].
///
/// # Errors
/// Never returns while the listener works.
pub async fn serve(listener: TcpListener, router: Router) -> io::Result<()> {
    serve_with(listener, router, Limits::default()).await
}

/// Serves `router` on `listener`, HTTP/1 with keep-alive, one task per connection, until the
/// process ends.
///
/// What `axum::serve(listener, router)` does, written out with hyper: `axum::serve` needs axum's
/// `tokio` feature, which this workspace leaves off to keep the quickstart's build light (see
/// `Cargo.toml`). In your own project, keep axum's default features and call `axum::serve`, and
/// put the same limits in front of it.
///
/// **Slow clients.** A client that sends a request's head slowly (a byte at a time, or nothing
/// at all) is disconnected after `limits.header_read_timeout`, and so is a kept-alive connection
/// that sends no new request for as long. At most `limits.max_connections` connections are
/// served at once; past them the server stops accepting until one closes, so that slow clients
/// cannot exhaust the process's open files. Fewer slow clients than the limit do not delay
/// anyone else (each connection is its own task); as many as the limit delay new connections by
/// at most the header timeout, after which they are dropped. A request's body is not under the
/// header timeout: the routes here read none, and a route that reads one should bound that
/// read itself. `tests/slow_clients.rs` holds this over loopback.
///
/// # Errors
/// Never returns while the listener works. An error accepting a connection that is not the
/// connection's own fault (e.g. too many open files) is written to standard error, and the
/// loop waits a second before accepting again, as `axum::serve` does.
pub async fn serve_with(listener: TcpListener, router: Router, limits: Limits) -> io::Result<()> {
    // A permit per connection, held by its task: taken before accepting, so that past the
    // limit connections wait in the listen queue rather than hold a file each.
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            // Never closed: the semaphore lives as long as this loop.
            continue;
        };
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                eprintln!("token-server: accepting a connection: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            // A connection ends with an error when the client goes away mid-request, or is
            // too slow: nothing to do about it.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

/// An accept error caused by the peer, not by the server.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
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
    let router = app(Arc::new(keys));
    #[cfg(feature = "voice")]
    let router = match crate::voice::VoiceConfig::from_vars(&var)? {
        Some(config) => {
            writeln!(
                out,
                "  POST /voice: the TwiML app's Voice URL, signatures checked"
            )?;
            router.merge(crate::voice::voice_router(config))
        }
        None => {
            writeln!(
                out,
                "  POST /voice is off: set PUBLIC_URL to the public URL Twilio requests"
            )?;
            router
        }
    };
    out.flush()?;
    serve(listener, router).await?;
    Ok(())
}
