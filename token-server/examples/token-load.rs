//! A bounded load test of the token server over loopback: a fixed number of requests on a fixed
//! number of keep-alive connections, for each endpoint in turn; prints throughput and latency
//! percentiles, then verifies every token it received.
//!
//! ```text
//! cargo run --release -p capability-token-server --example token-load
//! cargo run --release -p capability-token-server --example token-load -- --requests 50000 --connections 64
//! cargo run --release -p capability-token-server --example token-load -- --url http://127.0.0.1:3000
//! ```
//!
//! Without `--url` it starts the server in this process on 127.0.0.1:0, with the keys of the
//! environment (or the demo keys), as `cargo run --example token-server` would. Each request
//! names one of 1,000 users (`user_0` … `user_999`), so that no token is asked for twice in a
//! row. It stops by itself: after the requests, or after `--timeout` seconds (default 120). It
//! exits with an error if any request failed, any status was not 200, any token did not verify
//! with the keys, or the time ran out.
//!
//! Then, with the server in this process, it measures `/token/access` side by side with
//! `/constant`, a route of the same server that answers a constant body of the same size (an
//! Access Token response made at start-up): the same HTTP, connections and JSON headers, no
//! token. Three rounds of each, alternating; it prints the median requests/s of each and their
//! ratio, the part of a request's cost that is the token.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::routing::get;
use capability::{ClientName, Identity};
use capability_token_server::{
    access_policy, app, capability_policy, issue_access_token, issue_capability_token, serve,
    Caller, Keys,
};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

/// How many users the requests cycle through.
const USERS: usize = 1_000;

struct Options {
    requests: usize,
    connections: usize,
    url: Option<String>,
    timeout: Duration,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        requests: 50_000,
        connections: 64,
        url: None,
        timeout: Duration::from_secs(120),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag} takes a positive whole number, not `{value}`"))
        };
        match flag.as_str() {
            "--requests" => options.requests = number()?,
            "--connections" => options.connections = number()?,
            "--timeout" => options.timeout = Duration::from_secs(number()? as u64),
            "--url" => options.url = Some(value.trim_end_matches('/').to_owned()),
            _ => {
                return Err(format!(
                    "unknown option `{flag}`; use --requests N, --connections N, --url URL, --timeout SECONDS"
                ))
            }
        }
    }
    Ok(options)
}

/// What one endpoint's run measured.
struct Run {
    latencies: Vec<Duration>,
    /// Transport errors and non-200 statuses, with the first one's description.
    errors: usize,
    first_error: Option<String>,
    /// `(user index, body)` of every 200, verified after the clock stops.
    bodies: Vec<(usize, Bytes)>,
    elapsed: Duration,
    timed_out: bool,
}

async fn connection(
    addr: SocketAddr,
    host: String,
    path: &'static str,
    next: Arc<AtomicUsize>,
    requests: usize,
    deadline: Instant,
) -> (Vec<Duration>, Vec<(usize, Bytes)>, Vec<String>, bool) {
    let mut latencies = Vec::new();
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    let stream = match TcpStream::connect(addr).await {
        Ok(stream) => stream,
        Err(e) => return (latencies, bodies, vec![format!("connect: {e}")], false),
    };
    let _ = stream.set_nodelay(true);
    let (mut sender, conn) = match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
    {
        Ok(pair) => pair,
        Err(e) => return (latencies, bodies, vec![format!("handshake: {e}")], false),
    };
    tokio::spawn(conn);
    loop {
        if Instant::now() >= deadline {
            return (latencies, bodies, errors, true);
        }
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= requests {
            return (latencies, bodies, errors, false);
        }
        let request = Request::get(path)
            .header(header::HOST, &host)
            .header("x-user", format!("user_{}", i % USERS))
            .body(Empty::<Bytes>::new())
            .expect("a valid request");
        let start = Instant::now();
        let result = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, body))
        }
        .await;
        match result {
            Ok((StatusCode::OK, body)) => {
                latencies.push(start.elapsed());
                bodies.push((i % USERS, body));
            }
            Ok((status, body)) => {
                errors.push(format!("{status}: {}", String::from_utf8_lossy(&body)));
            }
            Err(e) => {
                // The connection is gone: the other connections take the remaining requests.
                errors.push(format!("request: {e}"));
                return (latencies, bodies, errors, false);
            }
        }
    }
}

async fn load(addr: SocketAddr, path: &'static str, options: &Options) -> Run {
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + options.timeout;
    let start = Instant::now();
    let tasks: Vec<_> = (0..options.connections)
        .map(|_| {
            tokio::spawn(connection(
                addr,
                addr.to_string(),
                path,
                next.clone(),
                options.requests,
                deadline,
            ))
        })
        .collect();
    let mut run = Run {
        latencies: Vec::with_capacity(options.requests),
        errors: 0,
        first_error: None,
        bodies: Vec::with_capacity(options.requests),
        elapsed: Duration::ZERO,
        timed_out: false,
    };
    for task in tasks {
        match task.await {
            Ok((latencies, bodies, errors, timed_out)) => {
                run.latencies.extend(latencies);
                run.bodies.extend(bodies);
                run.errors += errors.len();
                run.first_error = run.first_error.or(errors.into_iter().next());
                run.timed_out |= timed_out;
            }
            Err(e) => {
                run.errors += 1;
                run.first_error.get_or_insert(format!("task: {e}"));
            }
        }
    }
    run.elapsed = start.elapsed();
    run
}

/// The `q` quantile of sorted latencies (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// Checks every body: the JSON shape, the identity, and the token with the keys.
fn verify(keys: &Keys, path: &str, bodies: &[(usize, Bytes)]) -> Result<(), String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    for (user, body) in bodies {
        let body: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| format!("a body: {e}"))?;
        let (Some(identity), Some(token), Some(expires_at)) = (
            body["identity"].as_str(),
            body["token"].as_str(),
            body["expires_at"].as_u64(),
        ) else {
            return Err(format!(
                "a body without identity, token or expires_at: {body}"
            ));
        };
        let user = format!("user_{user}");
        let (verified_identity, verified_expiry) = if path.ends_with("capability") {
            let verified = keys
                .credentials()
                .verify_at(token, now)
                .map_err(|e| format!("a capability token: {e}"))?;
            let name = verified.grants().incoming().map(|n| n.to_string());
            (name, verified.expires_at())
        } else {
            let verified = keys
                .api_key()
                .verify_at(token, now)
                .map_err(|e| format!("an Access Token: {e}"))?;
            let identity = verified.identity().map(|i| i.to_string());
            (identity, verified.expires_at())
        };
        if identity != user || verified_identity.as_deref() != Some(user.as_str()) {
            return Err(format!(
                "asked for {user}, got {identity} (the token says {verified_identity:?})"
            ));
        }
        if expires_at != verified_expiry {
            return Err(format!(
                "expires_at {expires_at} but the token says {verified_expiry}"
            ));
        }
    }
    Ok(())
}

/// What a request spends on its token, without HTTP, in µs per token: the whole of
/// `issue_*_token` (validating the name, making the policy, signing, the response), making the
/// policy alone (filling its template), and signing an already made policy alone. One thread,
/// `count` tokens for the same 1,000 users.
fn token_cost(keys: &Keys, path: &str, count: usize) -> [f64; 3] {
    let capability = path.ends_with("capability");
    let callers: Vec<Caller> = (0..USERS)
        .map(|i| Caller::new(format!("user_{i}")))
        .collect();
    let per_token = |start: Instant| start.elapsed().as_secs_f64() * 1e6 / count as f64;

    let start = Instant::now();
    for i in 0..count {
        let caller = &callers[i % USERS];
        let response = if capability {
            issue_capability_token(keys, caller)
        } else {
            issue_access_token(keys, caller)
        };
        std::hint::black_box(response.expect("a token"));
    }
    let whole = per_token(start);

    let names: Vec<ClientName> = callers
        .iter()
        .map(|c| ClientName::new(c.name()).expect("a client name"))
        .collect();
    let start = Instant::now();
    for i in 0..count {
        let name = names[i % USERS].clone();
        if capability {
            std::hint::black_box(capability_policy(name));
        } else {
            std::hint::black_box(access_policy(Identity::from(name)).expect("a policy"));
        }
    }
    let policy = per_token(start);

    let now = 1_800_000_000;
    let start = if capability {
        let policies: Vec<_> = names.iter().cloned().map(capability_policy).collect();
        let start = Instant::now();
        for i in 0..count {
            std::hint::black_box(policies[i % USERS].sign_at(keys.credentials(), now));
        }
        start
    } else {
        let policies: Vec<_> = names
            .iter()
            .map(|n| access_policy(Identity::from(n)).expect("a policy"))
            .collect();
        let start = Instant::now();
        for i in 0..count {
            std::hint::black_box(policies[i % USERS].sign_at(keys.api_key(), now));
        }
        start
    };
    [whole, policy, per_token(start)]
}

fn main() -> ExitCode {
    // What `#[tokio::main]` expands to (see `serve` on why this workspace does without it).
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(load_test()),
        Err(e) => {
            eprintln!("token-load: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn load_test() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("token-load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let keys = match Keys::from_env() {
        Ok(keys) => Arc::new(keys),
        Err(e) => {
            eprintln!("token-load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = match &options.url {
        Some(url) => match url
            .strip_prefix("http://")
            .and_then(|a| a.parse::<SocketAddr>().ok())
        {
            Some(addr) if addr.ip().is_loopback() => addr,
            _ => {
                eprintln!("token-load: --url takes http://127.0.0.1:PORT (a loopback address), not `{url}`");
                return ExitCode::FAILURE;
            }
        },
        None => {
            let listener = match TcpListener::bind("127.0.0.1:0").await {
                Ok(listener) => listener,
                Err(e) => {
                    eprintln!("token-load: cannot listen on 127.0.0.1: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let addr = listener
                .local_addr()
                .expect("a bound listener has an address");
            // The same server, with a route that answers a constant body of the size of an
            // Access Token response, and its headers.
            let constant = match issue_access_token(&keys, &Caller::new("user_0")) {
                Ok(response) => Bytes::from(serde_json::to_vec(&response).unwrap_or_default()),
                Err(e) => {
                    eprintln!("token-load: cannot sign a token: {e:?}");
                    return ExitCode::FAILURE;
                }
            };
            let router = app(keys.clone()).route(
                "/constant",
                get(move || {
                    let body = constant.clone();
                    async move {
                        (
                            [
                                (
                                    header::CONTENT_TYPE,
                                    HeaderValue::from_static("application/json"),
                                ),
                                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                            ],
                            body,
                        )
                    }
                }),
            );
            tokio::spawn(serve(listener, router));
            addr
        }
    };
    println!(
        "{} requests per endpoint, {} connections, http://{addr} ({}), {} users",
        options.requests,
        options.connections,
        if options.url.is_some() {
            "external server"
        } else {
            "server in this process"
        },
        USERS,
    );

    let mut failed = false;
    for path in ["/token/capability", "/token/access"] {
        let mut run = load(addr, path, &options).await;
        run.latencies.sort_unstable();
        let done = run.latencies.len();
        println!(
            "{path:<18} {done} ok, {} errors in {:.2} s: {:.0} requests/s, latency p50 {}, p99 {}, max {}",
            run.errors,
            run.elapsed.as_secs_f64(),
            done as f64 / run.elapsed.as_secs_f64(),
            micros(quantile(&run.latencies, 0.50)),
            micros(quantile(&run.latencies, 0.99)),
            micros(run.latencies.last().copied().unwrap_or_default()),
        );
        if let Some(error) = &run.first_error {
            println!("  first error: {error}");
        }
        if run.timed_out {
            println!(
                "  stopped after {} s (--timeout)",
                options.timeout.as_secs()
            );
        }
        let verified = verify(&keys, path, &run.bodies);
        match &verified {
            Ok(()) => println!("  every token verified ({} tokens)", run.bodies.len()),
            Err(e) => println!("  a token did not verify: {e}"),
        }
        let [whole, policy, sign] = token_cost(&keys, path, options.requests);
        println!(
            "  the token alone, without HTTP: {whole:.2} µs (making the policy {policy:.2} µs, signing it {sign:.2} µs)"
        );
        failed |= run.errors > 0 || run.timed_out || verified.is_err() || done != options.requests;
    }
    if options.url.is_none() {
        failed |= side_by_side(addr, &options).await;
    }
    if failed {
        eprintln!("token-load: FAILED (see above)");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `/token/access` and `/constant`, three rounds each, alternating so that a slow spell of a
/// shared machine hits both alike: the median requests/s of each, and their ratio. True if a
/// request failed.
async fn side_by_side(addr: SocketAddr, options: &Options) -> bool {
    let mut rates: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut failed = false;
    for _ in 0..3 {
        for (i, path) in ["/token/access", "/constant"].into_iter().enumerate() {
            let run = load(addr, path, options).await;
            failed |= run.errors > 0 || run.timed_out || run.latencies.len() != options.requests;
            if let Some(error) = &run.first_error {
                println!("  {path}: first error: {error}");
            }
            rates[i].push(run.latencies.len() as f64 / run.elapsed.as_secs_f64());
        }
    }
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (range_access, range_constant) = (
        (
            rates[0].iter().copied().fold(f64::MAX, f64::min),
            rates[0].iter().copied().fold(0.0, f64::max),
        ),
        (
            rates[1].iter().copied().fold(f64::MAX, f64::min),
            rates[1].iter().copied().fold(0.0, f64::max),
        ),
    );
    let access = median(&mut rates[0]);
    let constant = median(&mut rates[1]);
    println!(
        "side by side, 3 rounds each, alternating; median (range) requests/s:\n\
         /token/access      {access:.0} ({:.0}–{:.0})\n\
         /constant          {constant:.0} ({:.0}–{:.0}), a constant body of the same size\n\
         /token/access runs at {:.0}% of the constant body's rate",
        range_access.0,
        range_access.1,
        range_constant.0,
        range_constant.1,
        100.0 * access / constant,
    );
    failed
}
