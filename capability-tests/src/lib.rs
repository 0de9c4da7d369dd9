//! The benchmarks and the heavy tests of `capability`, kept out of the facade so that its
//! dev-dependencies stay light: `cargo run --example quickstart` compiles none of the crates
//! used here. This library is empty; everything is in `tests/` and `benches/`.
//!
//! - `tests/ui.rs`: the compile errors of `capability!`, pinned with trybuild;
//! - `tests/proptest.rs`, `tests/access_proptest.rs`: property tests (capability and Access
//!   Tokens);
//! - `tests/oracle.rs`: the `jsonwebtoken` crate as an independent oracle;
//! - `benches/`: criterion and interleaved ratio benchmarks, and the compile-time comparison.
