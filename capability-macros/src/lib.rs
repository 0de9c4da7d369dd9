//! The `capability!` macro (work in progress).
