//! Slow clients over loopback (127.0.0.1): they cannot keep a normal request from being served,
//! and each is dropped once the header timeout has passed. Every wait is bounded, so that a
//! regression fails the test rather than hangs it; what is checked is the order of events (who
//! is served, who is dropped), not how fast.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use capability_token_server::{app, serve_with, Keys, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest any single step may take before the test fails: far beyond the header timeout.
const BOUND: Duration = Duration::from_secs(20);

fn block_on<F: std::future::Future>(test: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(test)
}

async fn start(limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let keys = Arc::new(Keys::from_vars(|_| Ok(None)).expect("the demo keys"));
    tokio::spawn(serve_with(listener, app(keys), limits));
    addr
}

fn limits(header_read_timeout: Duration, max_connections: usize) -> Limits {
    let mut limits = Limits::default();
    limits.header_read_timeout = header_read_timeout;
    limits.max_connections = max_connections;
    limits
}

/// A client that has sent the start of a request's head, and goes on a byte at a time.
struct Slow {
    stream: TcpStream,
}

impl Slow {
    async fn connect(addr: SocketAddr) -> Slow {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(b"GET /token/capability HTTP/1.1\r\n")
            .await
            .expect("write");
        Slow { stream }
    }

    /// Sends one more byte of a header; false once the server has closed the connection.
    async fn trickle(&mut self) -> bool {
        if self.stream.write_all(b"X").await.is_err() {
            return false;
        }
        // A closed connection reads as the end (or a reset) at once; an open one has nothing.
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(1), self.stream.read(&mut buf)).await {
            Err(_) => true,
            Ok(Ok(n)) => n > 0 && !buf[..n].starts_with(b"HTTP/1.1 200"),
            Ok(Err(_)) => false,
        }
    }
}

/// A normal request on a new connection: its status line.
async fn normal_request(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /token/capability HTTP/1.1\r\nHost: x\r\nX-User: alice\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn slow_clients_below_the_limit_do_not_delay_a_normal_request() {
    block_on(async {
        // A timeout far longer than the test's steps: the slow clients stay connected.
        let addr = start(limits(Duration::from_secs(60), 64)).await;
        let mut slow = Vec::new();
        for _ in 0..32 {
            slow.push(Slow::connect(addr).await);
        }
        for client in &mut slow {
            assert!(client.trickle().await, "a slow client is connected");
        }
        let status = tokio::time::timeout(BOUND, normal_request(addr))
            .await
            .expect("the normal request is served while slow clients hold connections");
        assert_eq!(status, "HTTP/1.1 200 OK");
        // They were all still there, trickling, while it was served.
        for client in &mut slow {
            assert!(client.trickle().await, "a slow client was dropped early");
        }
    });
}

#[test]
fn slow_clients_at_the_limit_are_dropped_after_the_header_timeout() {
    block_on(async {
        let timeout = Duration::from_millis(600);
        let addr = start(limits(timeout, 4)).await;
        let start = Instant::now();
        let mut slow = Vec::new();
        for _ in 0..4 {
            slow.push(Slow::connect(addr).await);
        }
        // Every slow client holds a connection: a normal one waits for a free place, which
        // the header timeout makes, and is then served.
        let normal = tokio::spawn(normal_request(addr));
        let mut open = slow.len();
        while open > 0 {
            assert!(start.elapsed() < BOUND, "slow clients still connected");
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Looked at before the slow clients: had it been served, one of them would have
            // been dropped first, for good.
            let served = normal.is_finished();
            open = 0;
            for client in &mut slow {
                if client.trickle().await {
                    open += 1;
                }
            }
            assert!(
                !(served && open == slow.len()),
                "a fifth connection was served past the limit of four"
            );
        }
        // Dropped however steadily they sent: not before the timeout.
        assert!(start.elapsed() >= timeout, "dropped before the timeout");
        let status = tokio::time::timeout(BOUND, normal)
            .await
            .expect("the normal request is served once the slow clients are dropped")
            .expect("the request task");
        assert_eq!(status, "HTTP/1.1 200 OK");
    });
}

#[test]
fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    block_on(async {
        let timeout = Duration::from_millis(400);
        let addr = start(limits(timeout, 4)).await;
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        // Nothing sent at all: the connection is closed all the same.
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(BOUND, stream.read(&mut buf))
            .await
            .expect("the server closes a silent connection");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    });
}
