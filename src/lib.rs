//! Twilio Client capability tokens, declared in source and checked by the compiler.
//!
//! See the [README](https://example.invalid/capability) for a tour. Everything of
//! [`capability_runtime`] is re-exported here, with the `capability!` macro.
#![forbid(unsafe_code)]

pub use capability_runtime::*;
