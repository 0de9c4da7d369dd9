//! The compile errors of `capability!`, pinned with trybuild.
//!
//! `tests/ui/fail/*.rs` each hold one mistake (or, in `every_mistake_at_once.rs`, several) and
//! `*.stderr` the exact errors rustc prints. `tests/ui/pass/*.rs` cover the whole grammar and
//! must compile and run.
//!
//! The `.stderr` files were generated with rustc 1.95.0 (the toolchain on the project's machines)
//! by `TRYBUILD=overwrite cargo test -p capability-tests --test ui`, then read one by one. Another
//! compiler version may lay the same errors out differently; regenerate them the same way and
//! review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
