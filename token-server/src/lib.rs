//! A token endpoint on [axum]: the HTTP server that hands a signed-in user the token their Twilio
//! device or SDK needs.
//!
//! | request | answer |
//! |---|---|
//! | `GET /token/capability` | `200 {"identity": "alice", "token": "eyJ…", "expires_at": 1700003600}`, a capability token |
//! | `GET /token/access` | the same, with an Access Token |
//! | no `X-User` header | `401 {"error": "no X-User header; …"}` |
//! | an identity the token refuses | `400 {"error": "invalid X-User header: <the runtime's message>"}` |
//! | `POST /voice` (feature `voice`, with `PUBLIC_URL` set), signed by Twilio | `200` TwiML that dials the call's `To` |
//! | `POST /voice` with a missing or wrong `X-Twilio-Signature` | `403` |
//!
//! Every response carries `Cache-Control: no-store`.
//!
//! - [`Caller`] is the extractor that says who is asking. **It is demo authentication**: it
//!   trusts an `X-User` header. Its documentation says where real authentication goes.
//! - [`capability_policy`] and [`access_policy`] declare the tokens with the `capability!` and
//!   `access_token!` macros, the caller's name as their run-time identity.
//! - [`Keys`] holds the account's [`Credentials`](capability::Credentials) and
//!   [`ApiKey`](capability::ApiKey), read from the environment (or labelled demo values) and
//!   keyed into HMAC once; every request shares them.
//! - [`app`] is the router, [`serve`] serves it; [`run`] is the whole server, what
//!   `cargo run --example token-server` starts.
//! - Slow clients: [`serve`] gives a client 10 seconds to send a request's head and serves at
//!   most 512 connections at once ([`Limits`]); [`serve_with`] says how it behaves.
//!
//! [axum]: https://docs.rs/axum
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod caller;
mod error;
mod keys;
mod server;
mod tokens;
#[cfg(feature = "voice")]
mod voice;

pub use caller::{Caller, USER_HEADER};
pub use error::ApiError;
pub use keys::{
    env_var, ConfigError, Keys, Sources, DEMO_ACCOUNT_SID, DEMO_API_KEY, DEMO_API_SECRET,
    DEMO_AUTH_TOKEN,
};
pub use server::{app, port, run, serve, serve_with, Limits, StartError, DEFAULT_PORT};
pub use tokens::{
    access_policy, capability_policy, issue_access_token, issue_capability_token, TokenResponse,
    TWIML_APP,
};
#[cfg(feature = "voice")]
pub use voice::{voice_router, Twiml, VoiceConfig, VOICE_BODY_LIMIT};
