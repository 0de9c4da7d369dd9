//! Run-time parsing gives the compiler's messages: every `capability!` and `access_token!`
//! invocation of the UI
//! compile-fail cases is parsed from text with `str::parse::<Policy>`, and the messages must be
//! exactly the `error:` messages its `.stderr` pins, in order.
//!
//! Some cases cannot be written as text, and are left out by rule, not by name:
//! - errors rustc itself reports (`error[E…]`: type errors of `{expr}`, a policy in a `const`);
//! - invocations whose tokens come from a `macro_rules!` argument.
//!
//! Run-time parsing adds one message of its own, for `{expr}` (a text holds no Rust code); it
//! is checked separately and set aside here.
//!
//! Some mistakes are rustc's own, found by its lexer before the macro runs (a space that Unicode
//! counts as whitespace and Rust does not): run-time parsing gives the same message and help.

use std::fs;
use std::path::Path;

use capability::{AccessPolicy, Policy};

const EXPR_AT_RUN_TIME: &str = "a policy read at run time holds only literals";

/// The macro and the text between the braces of each `capability! { … }` and
/// `access_token! { … }` in `source`, in order.
fn invocations(source: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    let mut rest = source;
    loop {
        let next = ["capability! {", "access_token! {"]
            .into_iter()
            .filter_map(|m| rest.find(m).map(|at| (at, m)))
            .min();
        let Some((start, opener)) = next else { break };
        let body = &rest[start + opener.len()..];
        let mut depth = 1;
        let mut end = None;
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '{' if !in_string => depth += 1,
                '}' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.expect("balanced braces");
        out.push((opener.trim_end_matches(" {"), &body[..end]));
        rest = &body[end..];
    }
    out
}

/// The messages run-time parsing gives for `text` in the grammar of `mac`, or the policy's
/// `Debug` when it parses.
fn run_time(mac: &str, text: &str) -> Result<String, Vec<String>> {
    let messages = |e: capability::ParseError| -> Vec<String> {
        e.diagnostics()
            .iter()
            .map(|d| d.full_message())
            .filter(|m| !m.starts_with(EXPR_AT_RUN_TIME))
            .collect()
    };
    if mac == "access_token!" {
        text.parse::<AccessPolicy>()
            .map(|p| format!("{p:?}"))
            .map_err(messages)
    } else {
        text.parse::<Policy>()
            .map(|p| format!("{p:?}"))
            .map_err(messages)
    }
}

/// The messages of `error: …` blocks of a `.stderr`, with their continuation lines. A `help: …`
/// line of rustc's own (at the start of a line, in the block of an error of rustc's lexer) is
/// added to its error's message as `compile_error!` carries one: after `\nhelp: `.
fn pinned_messages(stderr: &str) -> Vec<String> {
    let mut messages: Vec<String> = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(help) = line.strip_prefix("help: ") {
            let last = messages.last_mut().expect("a help follows an error");
            last.push_str("\nhelp: ");
            last.push_str(help);
            continue;
        }
        if let Some(first) = line.strip_prefix("error: ") {
            let mut message = first.to_owned();
            while let Some(next) = lines.peek() {
                match next.strip_prefix("       ") {
                    Some(more) if !next.trim_start().starts_with("-->") => {
                        message.push('\n');
                        message.push_str(more);
                        lines.next();
                    }
                    _ => break,
                }
            }
            messages.push(message);
        }
    }
    messages
}

#[test]
fn every_compile_error_comes_out_of_run_time_parsing_too() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/fail");
    let mut compared = 0;
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    cases.sort();
    for case in cases {
        let source = fs::read_to_string(&case).unwrap();
        let stderr = fs::read_to_string(case.with_extension("stderr")).unwrap();
        if stderr.contains("error[E") || source.contains("macro_rules!") {
            continue;
        }
        let pinned = pinned_messages(&stderr);
        let mut found = Vec::new();
        for (mac, text) in invocations(&source) {
            match run_time(mac, text) {
                Ok(policy) => panic!("{}: `{text}` parsed as {policy}", case.display()),
                Err(messages) => found.extend(messages),
            }
        }
        assert_eq!(found, pinned, "{}", case.display());
        compared += 1;
    }
    assert!(compared >= 45, "only {compared} cases compared");
}

#[test]
fn the_pass_cases_of_literals_parse_at_run_time() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/pass");
    let mut parsed = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let source = fs::read_to_string(&path).unwrap();
        for (mac, text) in invocations(&source) {
            let has_expr = text.contains(['{', '$']) && mac == "capability!";
            if has_expr || text.contains("crate =") || text.contains('$') {
                continue;
            }
            match run_time(mac, text) {
                Ok(_) => parsed += 1,
                // Run-time values in braces are for the macros only.
                Err(messages) if messages.is_empty() => {}
                Err(messages) => panic!("{}: `{text}`:\n{messages:?}", path.display()),
            }
        }
    }
    assert!(parsed >= 4, "only {parsed} policies parsed");
}

/// Between tokens, run-time parsing takes exactly rustc's whitespace (`Pattern_White_Space`) and
/// refuses every other space of Unicode, as rustc's lexer does (the UI case
/// `space_that_is_not_rust_whitespace` pins rustc's words); inside a comment any space is
/// allowed, as in Rust.
#[test]
fn spaces_between_tokens_are_rust_s() {
    let rust = [
        '\t', '\n', '\u{B}', '\u{C}', '\r', ' ', '\u{85}', '\u{200E}', '\u{200F}', '\u{2028}',
        '\u{2029}',
    ];
    for c in rust {
        let text = format!("incoming{c}\"Alice\"{c};{c}ttl{c}10m");
        assert!(text.parse::<Policy>().is_ok(), "{:?}", c);
        let text = format!("identity{c}\"alice\";{c}video{c}{{{c}room{c}\"r\"{c}}}");
        assert!(text.parse::<AccessPolicy>().is_ok(), "{:?}", c);
    }
    let refused = ('\0'..=char::MAX).filter(|c| c.is_whitespace() && !rust.contains(c));
    let mut count = 0;
    for c in refused {
        count += 1;
        let escaped = c.escape_unicode().to_string();
        for text in [
            format!("incoming{c}\"Alice\""),
            format!("incoming \"Alice\"{c};"),
            format!("{c}incoming \"Alice\""),
        ] {
            let error = text.parse::<Policy>().unwrap_err();
            let [mistake] = error.diagnostics() else {
                panic!("one mistake for {escaped}: {error}");
            };
            assert_eq!(
                mistake.message(),
                format!("unknown start of token: {escaped}")
            );
            assert!(mistake
                .help()
                .unwrap()
                .contains("looks like ' ' (Space), but it is not"));
            assert_eq!(&text[mistake.byte_range()], c.to_string());
        }
        let error = format!("identity \"alice\";{c}video")
            .parse::<AccessPolicy>()
            .unwrap_err();
        assert_eq!(error.diagnostics().len(), 1, "{error}");
        // In a comment, anything goes; in a string, the string's own rules apply.
        let commented = format!("incoming \"Alice\" // a{c}b\n/* c{c}d /* {c} */ */");
        assert!(commented.parse::<Policy>().is_ok(), "{escaped}");
        let quoted = format!("incoming \"Ali{c}ce\"");
        let error = quoted.parse::<Policy>().unwrap_err();
        assert!(
            error.diagnostics()[0].message().contains("client name"),
            "{error}"
        );
    }
    // U+00A0, U+1680, U+2000 to U+200A, U+202F, U+205F and U+3000.
    assert_eq!(count, 16);
    // Other mistakes are reported after, as rustc reports them after its lexer's.
    let error = "incoming\u{A0}\"Alice\"; ttl 600"
        .parse::<Policy>()
        .unwrap_err();
    let messages: Vec<_> = error.diagnostics().iter().map(|d| d.message()).collect();
    assert_eq!(
        messages,
        [
            "unknown start of token: \\u{a0}",
            "the TTL `600` has no unit"
        ]
    );
}
