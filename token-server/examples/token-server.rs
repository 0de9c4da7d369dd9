//! A token server on axum: `GET /token/capability` and `GET /token/access` give the caller a
//! signed token as JSON.
//!
//! ```text
//! cargo run --example token-server            # listens on 127.0.0.1:3000 (PORT=0: any free port)
//! curl -H 'X-User: alice' http://127.0.0.1:3000/token/capability
//! ```
//!
//! Signs with `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` (capability tokens), and with
//! `TWILIO_ACCOUNT_SID`, `TWILIO_API_KEY` and `TWILIO_API_SECRET` (Access Tokens), when they are
//! set; otherwise with clearly labelled demo keys, which Twilio will not accept.
//!
//! The caller names itself in an `X-User` header: demo authentication. Real authentication
//! goes in the `Caller` extractor (`token-server/src/caller.rs`).

use std::process::ExitCode;

fn main() -> ExitCode {
    // What `#[tokio::main]` expands to; `serve` (src/server.rs) says why this workspace does
    // without tokio's macros.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("token-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let server = capability_token_server::run(capability_token_server::env_var, std::io::stdout());
    match runtime.block_on(server) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("token-server: {e}");
            ExitCode::FAILURE
        }
    }
}
