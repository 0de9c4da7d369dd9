//! Arbitrary token streams through the whole pipeline (parse → validate → expand, or the
//! fallback): it returns code or errors, and never panics.
//!
//! The streams are made of the grammar's own pieces (keywords, literals of every kind, braces,
//! punctuation, durations) in random order and nesting, so that most of them get deep into the
//! parser and the validator rather than failing at the first token.

use proc_macro2::TokenStream;
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "incoming",
    "outgoing",
    "events",
    "ttl",
    "crate",
    "r#incoming",
    "r#ttl",
    "incomming",
    "=",
    ";",
    ",",
    "-",
    "!",
    ".",
    "::",
    "\"Alice\"",
    "\"\"",
    "\"AP0123456789abcdef0123456789abcdef\"",
    "\"AC0123456789abcdef0123456789abcdef\"",
    "\"AP123\"",
    "\"REPLACE_ME\"",
    "\"a\\tb\"",
    "\"caf\\u{e9}\"",
    "\"x\"suffix",
    "b\"bytes\"",
    "'c'",
    "10m",
    "600",
    "600s",
    "1h30m",
    "0s",
    "24h1s",
    "1.5h",
    "1e3s",
    "600u32",
    "99999999999999999999h",
    "0x10s",
    "1_000s",
    "10M",
    "name",
    "Foo",
    "\"Queue-Name\"",
    "concat!(\"a\")",
    "x.clone()",
    "_",
    "true",
    "#",
    "$",
    "&",
    "@",
    "::cap",
    "()",
    "[]",
];

fn piece() -> impl Strategy<Value = String> {
    prop::sample::select(PIECES).prop_map(str::to_owned)
}

fn stream(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop::collection::vec(piece(), 0..12).prop_map(|v| v.join(" "));
    leaf.prop_recursive(depth, 64, 6, |inner| {
        prop::collection::vec(
            prop_oneof![
                piece(),
                inner.clone().prop_map(|s| format!("{{ {s} }}")),
                inner.prop_map(|s| format!("( {s} )")),
            ],
            0..10,
        )
        .prop_map(|v| v.join(" "))
    })
    .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn the_pipeline_never_panics(text in stream(4)) {
        if let Ok(tokens) = text.parse::<TokenStream>() {
            let out = crate::expand_capability(tokens);
            // Code or errors, and never nothing.
            prop_assert!(!out.is_empty());
        }
    }
}

proptest! {
    // Each case parses three literals of up to 24 KB: fewer cases.
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn long_and_unicode_literals_never_panic(
        value in "\\PC{0,40}",
        repeat in prop_oneof![0usize..8, 300usize..600],
    ) {
        let literal = format!("{:?}", value.repeat(repeat));
        for text in [
            format!("incoming {literal}"),
            format!("outgoing {literal} {{ K = {literal} }}"),
            format!("events {{ {literal} = {literal} }}"),
        ] {
            let tokens: TokenStream = text.parse().unwrap();
            prop_assert!(!crate::expand_capability(tokens).is_empty());
        }
    }
}
