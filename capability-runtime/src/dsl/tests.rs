//! The parser and validator on text: what `capability!` and run-time parsing share.

use proc_macro2::TokenStream;

use super::ast::{suggest, Body, Input, Value};
use super::valid::{check, Checked, Grant, GRAMMAR};
use super::ParseError;
use crate::{AppSid, ClientName, Policy};

fn tokens(text: &str) -> TokenStream {
    text.parse().expect("Rust tokens")
}

fn parse(text: &str) -> Input {
    Input::parse(tokens(text), &GRAMMAR)
}

fn grammar_errors(text: &str) -> Vec<String> {
    parse(text).errors.iter().map(ToString::to_string).collect()
}

fn check_text(text: &str) -> Result<Checked, Vec<String>> {
    check(parse(text)).map_err(|e| e.into_iter().map(|e| e.to_string()).collect())
}

fn errors(text: &str) -> Vec<String> {
    match check_text(text) {
        Ok(_) => panic!("expected errors for {text}"),
        Err(messages) => messages,
    }
}

/// The messages of run-time parsing, as `compile_error!` would carry them.
fn run_time_errors(text: &str) -> Vec<String> {
    match text.parse::<Policy>() {
        Ok(p) => panic!("expected errors for {text}, got {p:?}"),
        Err(e) => e.diagnostics().iter().map(|d| d.full_message()).collect(),
    }
}

#[test]
fn parses_the_whole_grammar_in_order() {
    let input = parse(
        r#"ttl 1h30m;
        events;
        outgoing {sid} { Foo = "Bar", "Queue-Name" = {queue}, r#type = "x", };
        incoming "Alice""#,
    );
    assert!(input.errors.is_empty(), "{:?}", input.errors);
    let keywords: Vec<_> = input.stmts.iter().map(|s| s.keyword).collect();
    assert_eq!(keywords, ["ttl", "events", "outgoing", "incoming"]);
    match &input.stmts[0].body {
        Body::Ttl(ttl) => {
            assert_eq!(ttl.text, "1h30m");
            assert_eq!(ttl.digits, "1");
            assert_eq!(ttl.suffix, "h30m");
        }
        _ => panic!("expected ttl"),
    }
    match &input.stmts[1].body {
        Body::Params(filters) => assert!(filters.is_empty()),
        _ => panic!("expected events"),
    }
    match &input.stmts[2].body {
        Body::ValueThenParams { value, params, .. } => {
            let Value::Expr(group) = value else {
                panic!("expected {{sid}}")
            };
            assert_eq!(group.stream().to_string(), "sid");
            let keys: Vec<&str> = params.iter().map(|p| p.key.value.as_str()).collect();
            assert_eq!(keys, ["Foo", "Queue-Name", "type"]);
            assert!(params[0].value.is_lit());
            assert!(!params[1].value.is_lit());
        }
        _ => panic!("expected outgoing"),
    }
    match &input.stmts[3].body {
        Body::Value(Value::Lit(name)) => assert_eq!(name.value, "Alice"),
        _ => panic!("expected incoming \"Alice\""),
    }
}

#[test]
fn raw_identifiers_are_the_keywords_they_spell() {
    let input = parse(r#"r#incoming "Alice"; r#ttl 10m"#);
    assert!(input.errors.is_empty(), "{:?}", input.errors);
    let keywords: Vec<_> = input.stmts.iter().map(|s| s.keyword).collect();
    assert_eq!(keywords, ["incoming", "ttl"]);
    let policy: Policy = r#"r#incoming "Alice"; r#ttl 10m"#.parse().unwrap();
    assert_eq!(policy.grants().incoming().unwrap(), "Alice");
}

#[test]
fn literal_escapes_are_decoded() {
    let input = parse(r#"events { "a\tb" = "caf\u{e9}" }"#);
    let Body::Params(filters) = &input.stmts[0].body else {
        panic!("expected events")
    };
    assert_eq!(filters[0].key.value, "a\tb");
    let Value::Lit(value) = &filters[0].value else {
        panic!("expected a literal")
    };
    assert_eq!(value.value, "café");
}

#[test]
fn suggests_near_misses_only() {
    let keywords = || ["incoming", "outgoing", "events", "ttl"].into_iter();
    assert_eq!(suggest("incomming", keywords()), Some("incoming"));
    assert_eq!(suggest("Outgoing", keywords()), Some("outgoing"));
    assert_eq!(suggest("event", keywords()), Some("events"));
    assert_eq!(suggest("tll", keywords()), Some("ttl"));
    assert_eq!(suggest("expires", keywords()), None);
    assert_eq!(suggest("t", keywords()), None);
    assert_eq!(super::ast::edit_distance("kitten", "sitting"), 3);
    assert_eq!(super::ast::edit_distance("", "ttl"), 3);
    assert_eq!(super::ast::edit_distance("vioce", "voice"), 1);
    assert_eq!(super::ast::edit_distance("ab", "ba"), 1);
}

#[test]
fn reports_one_mistake_per_statement_and_goes_on() {
    let input = parse(
        r#"incomming "Alice";
        outgoing "AP0123456789abcdef0123456789abcdef" { Foo "Bar" };
        events { Level = "error" };
        ttl 600 "x";"#,
    );
    let messages: Vec<String> = input.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "unknown statement `incomming`\nhelp: did you mean `incoming`?",
            "expected `=` after the key `Foo`",
            "unexpected token after the `ttl` statement; expected `;`",
        ]
    );
    assert_eq!(input.stmts.len(), 2, "events and ttl parsed");
}

#[test]
fn a_missing_semicolon_does_not_lose_the_next_statement() {
    let input = parse(r#"incoming "Alice" outgoing "AP0123456789abcdef0123456789abcdef""#);
    let messages: Vec<String> = input.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        ["expected `;` after the `incoming` statement, before this one"]
    );
    assert_eq!(input.stmts.len(), 2);
}

#[test]
fn grammar_messages() {
    let cases: &[(&str, &str)] = &[
        (
            "incoming;",
            "expected a client name: a string literal such as `\"Alice\"`, or a `ClientName` expression in braces such as `{value}`",
        ),
        (
            "incoming name;",
            "expected a client name: a string literal such as `\"Alice\"`, or a `ClientName` expression in braces such as `{value}`\nhelp: to use the value of `name`, write `{name}`",
        ),
        (
            "incoming {};",
            "`{}` is empty; put a `ClientName` expression in the braces",
        ),
        (
            r#"outgoing { Foo = "Bar" };"#,
            "this block holds parameters, but an Application SID comes first: write `… \"AP0123456789abcdef0123456789abcdef\" { Key = \"value\" }`",
        ),
        (
            r#"events { Foo = "a" Bar = "b" };"#,
            "expected `,` between two parameters",
        ),
        (
            r#"events { 1 = "a" };"#,
            "expected a key: an identifier such as `Foo` or a string literal such as `\"Queue-Name\"`",
        ),
        ("ttl 10 m;", "a space separates the number from its unit; write `10m`"),
        (
            "ttl 1.5h;",
            "`1.5h` is not a whole number; use a smaller unit or a compound such as `1h30m`\nhelp: write `1h30m`",
        ),
        (
            r#"ttl "10m";"#,
            "expected a duration: a whole number with a unit, such as `600s`, `10m`, `1h` or `1h30m`",
        ),
        (r#"incoming "Alice"x;"#, "unexpected suffix `x` on a string literal"),
        (r#"events { "a"_b = "c" };"#, "unexpected suffix `_b` on a string literal"),
        (";", "expected one of: `incoming`, `outgoing`, `events`, `ttl`, `crate`"),
        (
            r#"grant "x";"#,
            "unknown statement `grant`; the statements are `incoming`, `outgoing`, `events`, `ttl` and `crate`",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(grammar_errors(text), [*expected], "for `{text}`");
    }
}

#[test]
fn a_negative_ttl_is_named_and_spans_the_sign_and_the_number() {
    let messages = grammar_errors("incoming \"Alice\"; ttl -10s;");
    assert_eq!(
        messages,
        ["a TTL cannot be negative: `-10s`; use from `1s` to `24h`"]
    );
    let error = "incoming \"Alice\"; ttl -10s;"
        .parse::<Policy>()
        .unwrap_err();
    let d = &error.diagnostics()[0];
    assert_eq!(&error.source_text()[d.byte_range()], "-10s");
    assert_eq!(
        grammar_errors("ttl -1.5h"),
        ["a TTL cannot be negative: `-1.5h`; use from `1s` to `24h`"]
    );
}

#[test]
fn ttl_literals_that_are_not_durations_say_why() {
    assert_eq!(
        grammar_errors("ttl 1e3s"),
        ["the TTL `1e3s` has an exponent; write it as a whole number with a unit\nhelp: write `16m40s`"]
    );
    assert_eq!(
        grammar_errors("ttl 2E1m"),
        ["the TTL `2E1m` has an exponent; write it as a whole number with a unit\nhelp: write `20m`"]
    );
    for suffix in ["u32", "u8", "i64", "usize"] {
        assert_eq!(
            grammar_errors(&format!("ttl 600{suffix}")),
            [format!("`600{suffix}` has the type suffix `{suffix}`, not a unit\nhelp: write `600s` for seconds (the units are `s`, `m` and `h`)")]
        );
    }
    assert_eq!(
        grammar_errors("ttl 600f32"),
        ["`600f32` has the type suffix `f32`, not a unit\nhelp: write `600s` for seconds (the units are `s`, `m` and `h`)"]
    );
    assert_eq!(
        errors("incoming \"a\"; ttl 10M"),
        ["the unit `M` of the TTL `10M` is written in lowercase\nhelp: write `10m`"]
    );
    assert_eq!(
        grammar_errors("ttl {secs}"),
        ["a TTL is always a literal, such as `10m`; a policy's lifetime is checked at compile time"]
    );
}

#[test]
fn help_is_offered_only_where_it_compiles() {
    // A lone identifier: `{name}` is the fix.
    assert!(grammar_errors("incoming name")[0]
        .ends_with("help: to use the value of `name`, write `{name}`"));
    // A macro call or a method call is not an identifier: no `{concat}`.
    for (text, found) in [
        (
            r#"incoming concat!("Al", "ice")"#,
            r#"concat ! ("Al" , "ice")"#,
        ),
        ("incoming name.clone()", "name . clone ()"),
        ("outgoing sids::SUPPORT", "sids :: SUPPORT"),
    ] {
        let messages = grammar_errors(text);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(!messages[0].contains("help:"), "{text}: {}", messages[0]);
        assert!(
            messages[0].contains(&format!("`{found}` is not a literal")),
            "{text}: {}",
            messages[0]
        );
    }
    // A parameter value takes anything `Into<String>`: braces around the expression compile.
    assert_eq!(
        grammar_errors(r#"events { Queue = name.clone() }"#),
        ["expected a value: a string literal such as `\"Bar\"`, or an expression in braces such as `{value}`; `name . clone ()` is not a literal\nhelp: to use the value of an expression, write it in braces: `{name . clone ()}`"]
    );
}

#[test]
fn durations_and_literals_are_checked_by_the_runtime() {
    let messages = errors(
        r#"incoming "alice-smith";
        outgoing "AP123";
        ttl 0s;"#,
    );
    assert_eq!(
        messages,
        [
            ClientName::new("alice-smith").unwrap_err().to_string(),
            AppSid::new("AP123").unwrap_err().to_string(),
            "`0s`: a TTL of 0 s is not allowed; use from 1 s to 24 h (86400 s)\nhelp: the shortest TTL is `1s`".to_owned(),
        ]
    );
    assert_eq!(
        errors(r#"outgoing "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";"#),
        ["`ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` is an Account SID; an Application SID starts with `AP`"]
    );
}

#[test]
fn duplicates_point_at_both() {
    assert_eq!(
        errors(r#"incoming "a"; ttl 1h; incoming "b"; ttl 2h;"#),
        [
            "`incoming` is given twice; give each statement at most once",
            "`incoming` is first given here",
            "`ttl` is given twice; give each statement at most once",
            "`ttl` is first given here",
        ]
    );
    assert_eq!(
        errors(r#"events { Foo = "a", "Foo" = "b" };"#),
        [
            "the filter `Foo` of `events` is given twice; give each key at most once",
            "the filter `Foo` is first given here",
        ]
    );
}

#[test]
fn a_policy_must_grant_something() {
    let expected = ["the policy grants nothing; add `incoming`, `outgoing` or `events`"];
    assert_eq!(errors(""), expected);
    assert_eq!(errors("ttl 10m;"), expected);
    // Not when a grammar mistake may have hidden a grant.
    assert_eq!(
        errors(r#"incomming "a"; ttl 10m;"#),
        ["unknown statement `incomming`\nhelp: did you mean `incoming`?"]
    );
}

#[test]
fn a_literal_policy_over_the_size_limit_points_at_its_largest_part() {
    let big = "x".repeat(13_000);
    let text = format!(r#"incoming "Alice"; events {{ Small = "a", Big = "{big}" }}"#);
    let error = text.parse::<Policy>().unwrap_err();
    assert_eq!(error.diagnostics().len(), 1);
    let d = &error.diagnostics()[0];
    assert!(
        d.message().starts_with("the policy's tokens would be "),
        "{}",
        d.message()
    );
    assert_eq!(d.help(), Some("this is the largest part of the policy"));
    assert_eq!(&text[d.byte_range()], format!("\"{big}\""));
    // A key can be the largest part too; characters that are escaped count as escaped.
    let key = "é".repeat(1_500);
    let text = format!(r#"events {{ "{key}" = "v", K = "{}" }}"#, "w".repeat(6_000));
    let error = text.parse::<Policy>().unwrap_err();
    let d = &error.diagnostics()[0];
    assert_eq!(&text[d.byte_range()], format!("\"{key}\""));
}

#[test]
fn all_literal_policies_are_built_here() {
    let checked = check_text(
        r#"incoming "Alice";
        outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar", "Queue-Name" = "support desk" };
        events { Level = "error" };
        ttl 10m;"#,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let built = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar"), ("Queue-Name", "support desk")],
        )
        .events([("Level", "error")])
        .ttl(std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    assert_eq!(checked.literal.as_ref(), Some(&built));
    assert_eq!(checked.ttl_secs, Some(600));
    assert!(!checked.fallible);
}

#[test]
fn dynamic_policies_are_checked_but_not_embedded() {
    let checked = check_text(r#"outgoing {sid} { Foo = {value} }; incoming "Alice";"#)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(checked.literal.is_none());
    assert!(
        checked.fallible,
        "an `{{expr}}` parameter makes the size unknown"
    );
    assert_eq!(checked.grants.len(), 2);
    assert!(matches!(checked.grants[0], Grant::Outgoing { .. }));

    let checked = check_text("incoming {name}; outgoing {sid}").unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        !checked.fallible,
        "names and SIDs are bounded by their types"
    );
}

#[test]
fn the_crate_statement_names_a_path() {
    let checked =
        check_text(r#"crate = ::cap; incoming "Alice""#).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(checked.krate.unwrap().to_string(), ":: cap");
    assert_eq!(
        grammar_errors(r#"crate "cap"; incoming "Alice""#),
        ["expected `=` after `crate`, such as `crate = ::my_capability;`"]
    );
    assert_eq!(
        grammar_errors(r#"crate = "cap"; incoming "Alice""#),
        ["expected a path to the `capability` crate, such as `::my_capability`"]
    );
}

#[test]
fn run_time_parsing_gives_the_policy_the_builder_gives() {
    let text = r#"
        // Comments are allowed, as in Rust.
        incoming "Alice";
        outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar", "Queue-Name" = "support desk" };
        events { Level = "error" };
        ttl 1h30m;
    "#;
    let parsed: Policy = text.parse().unwrap();
    let built = Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            [("Foo", "Bar"), ("Queue-Name", "support desk")],
        )
        .events([("Level", "error")])
        .ttl(std::time::Duration::from_secs(5400))
        .build()
        .unwrap();
    assert_eq!(parsed, built);
    assert_eq!(parsed.scope(), built.scope());
}

#[test]
fn run_time_parsing_reports_every_mistake_with_its_position() {
    let text = "incomming \"Alice\";\noutgoing \"AP123\";\nttl 600;\n";
    let error = text.parse::<Policy>().unwrap_err();
    let found: Vec<(usize, usize, &str)> = error
        .diagnostics()
        .iter()
        .map(|d| (d.line(), d.column(), &text[d.byte_range()]))
        .collect();
    assert_eq!(
        found,
        [(1, 1, "incomming"), (2, 10, "\"AP123\""), (3, 5, "600")]
    );
    let rendered = error.to_string();
    assert!(
        rendered.starts_with("error: unknown statement `incomming`\n --> <policy>:1:1\n  |\n1 | incomming \"Alice\";\n  | ^^^^^^^^^\n  |\n  = help: did you mean `incoming`?\n"),
        "{rendered}"
    );
    assert!(rendered.contains(" --> <policy>:2:10\n"), "{rendered}");
    assert!(error
        .with_path("team.policy")
        .to_string()
        .contains(" --> team.policy:3:5\n"));
}

#[test]
fn run_time_parsing_refuses_rust_code() {
    assert_eq!(
        run_time_errors("incoming {name}"),
        ["a policy read at run time holds only literals; `{…}` takes a Rust expression, in `capability!` and `access_token!` only\nhelp: write the value as a string literal"]
    );
    assert_eq!(
        run_time_errors(r#"crate = ::cap; incoming "Alice""#),
        ["`crate = path;` names the `capability` crate for a macro; a policy read at run time has no use for it\nhelp: remove this statement"]
    );
}

#[test]
fn run_time_parsing_of_text_that_is_not_tokens() {
    for text in [
        "incoming \"Alice",
        "events { A = \"b\"",
        "incoming \"Alice\" }",
        "ttl 1'",
    ] {
        let error = text.parse::<Policy>().unwrap_err();
        assert_eq!(error.diagnostics().len(), 1, "{text}");
        assert!(
            error.diagnostics()[0]
                .message()
                .starts_with("this text is not made of Rust tokens"),
            "{text}: {error}"
        );
        let _ = error.to_string();
    }
}

#[test]
fn an_empty_policy_points_at_the_start() {
    let error = "".parse::<Policy>().unwrap_err();
    assert_eq!(
        error.diagnostics()[0].message(),
        "the policy grants nothing; add `incoming`, `outgoing` or `events`"
    );
    let _ = error.to_string();
    let error = "  ttl 10m;\n".parse::<Policy>().unwrap_err();
    let _ = error.to_string();
}

fn access_errors(text: &str) -> Vec<String> {
    match text.parse::<crate::AccessPolicy>() {
        Ok(p) => panic!("expected errors for {text}, got {p:?}"),
        Err(e) => e.diagnostics().iter().map(|d| d.full_message()).collect(),
    }
}

#[test]
fn access_grammar_messages() {
    assert_eq!(
        access_errors("identity \"alice\"; vioce { incoming }"),
        ["unknown statement `vioce`\nhelp: did you mean `voice`?"]
    );
    assert_eq!(
        access_errors("identity \"alice\"; voice { incomming }"),
        ["unknown field `incomming` in `voice`\nhelp: did you mean `incoming`?"]
    );
    assert_eq!(
        access_errors("identity \"alice\"; sync { role \"x\" }"),
        ["unknown field `role` in `sync`; the fields of `sync` are `service` and `endpoint`"]
    );
    assert_eq!(
        access_errors("video"),
        [crate::Error::MissingIdentity.to_string()]
    );
    assert_eq!(
        access_errors("identity \"a b\"; voice"),
        ["a `voice` grant needs an identity that is a valid client name, and Twilio refuses this one: character 2 (` `) is not allowed in a client name; use letters, digits or `_`"]
    );
    // The TTL and parameter rules are `capability!`'s.
    assert_eq!(
        access_errors("identity \"a\"; voice { outgoing \"AP0123456789abcdef0123456789abcdef\" { A = \"x\", A = \"y\" } }; ttl 600"),
        [
            "the parameter `A` of `outgoing` is given twice; give each key at most once",
            "the parameter `A` is first given here",
            "the TTL `600` has no unit\nhelp: write `600s` for seconds (the units are `s`, `m` and `h`)",
        ]
    );
}

#[test]
fn access_policies_parse_to_the_builder_s() {
    use crate::{AccessPolicy, Identity, Region, VideoGrant, VoiceGrant};
    let parsed: AccessPolicy = r#"
        identity "alice";
        voice { incoming; endpoint "alice-iphone" };
        video { room "DailyStandup" };
        region "ie1";
        ttl 10m;
    "#
    .parse()
    .unwrap();
    let built = AccessPolicy::builder()
        .identity(Identity::new("alice").unwrap())
        .voice(VoiceGrant::new().incoming().endpoint("alice-iphone"))
        .video(VideoGrant::new().room("DailyStandup"))
        .region(Region::new("ie1").unwrap())
        .ttl(std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    assert_eq!(parsed, built);
}

#[test]
fn hostile_text_is_refused_in_bounded_time_and_stack() {
    // syn reads nesting by recursion and numbers in quadratic time: both are refused first.
    let deep = format!("events {}{}", "{".repeat(30_000), "}".repeat(30_000));
    let error = deep.parse::<Policy>().unwrap_err();
    assert_eq!(error.diagnostics().len(), 1);
    assert_eq!(
        error.diagnostics()[0].message(),
        "brackets nest more than 16 deep here; a policy nests two at most"
    );
    assert_eq!(error.diagnostics()[0].column(), 23);
    let long = format!("incoming \"a\"; ttl 1{}s", "0".repeat(60_000));
    let error = long.parse::<Policy>().unwrap_err();
    assert_eq!(
        error.diagnostics()[0].message(),
        "this number has 60002 characters; a TTL has a few, such as `600s` or `1h30m`"
    );
    assert!(error.to_string().len() < 1000, "the number is not quoted");
    // Within the limits, nothing changes.
    assert!("incoming \"a\"; ttl 1_000_000_000_000_000_000_000_000_000s"
        .parse::<Policy>()
        .is_err());
    assert!(format!(
        "outgoing \"AP0123456789abcdef0123456789abcdef\" {{ K = \"{}\" }}",
        "9".repeat(10_000)
    )
    .parse::<Policy>()
    .is_ok());
}

#[test]
fn an_access_policy_over_the_size_limit_points_at_its_largest_part() {
    let room = "r".repeat(13_000);
    let text = format!(r#"identity "alice"; video {{ room "{room}" }}; chat {{ endpoint "e" }}"#);
    let error = text.parse::<crate::AccessPolicy>().unwrap_err();
    assert_eq!(error.diagnostics().len(), 1);
    let d = &error.diagnostics()[0];
    assert!(
        d.message().starts_with("the policy's tokens would be "),
        "{}",
        d.message()
    );
    assert_eq!(d.help(), Some("this is the largest part of the policy"));
    assert_eq!(&text[d.byte_range()], format!("\"{room}\""));
}

/// Text up to `MAX_POLICY_LEN` is parsed; one byte more is refused unread, for both grammars,
/// with a short message that quotes at most the start of its first line.
#[test]
fn text_over_the_limit_is_refused_unread() {
    use crate::{AccessPolicy, MAX_POLICY_LEN};

    for policy in [r#"incoming "Alice";"#, r#"identity "alice"; video;"#] {
        // A comment fills the text up to the limit.
        let padding = |len: usize| {
            let mut comment = String::from("// é");
            comment.extend(std::iter::repeat_n('x', len - comment.len() - 1));
            comment.push('\n');
            comment
        };
        let at_limit = format!("{}{policy}", padding(MAX_POLICY_LEN - policy.len()));
        assert_eq!(at_limit.len(), MAX_POLICY_LEN);
        let over = format!("{}{policy}", padding(MAX_POLICY_LEN - policy.len() + 1));
        // `é` across the 80th byte, where the quoted start is cut.
        let shifted = format!("{}{over}", "y".repeat(76));
        assert!(!shifted.is_char_boundary(80));
        if policy.starts_with("incoming") {
            assert!(at_limit.parse::<Policy>().is_ok());
        } else {
            assert!(at_limit.parse::<AccessPolicy>().is_ok());
        }
        for text in [over, shifted] {
            let errors = [
                text.parse::<Policy>().map(|_| ()).unwrap_err(),
                text.parse::<AccessPolicy>().map(|_| ()).unwrap_err(),
            ];
            for error in errors {
                let [mistake] = error.diagnostics() else {
                    panic!("one mistake: {error}");
                };
                assert!(
                    mistake.message().contains(&text.len().to_string()),
                    "{error}"
                );
                assert!(mistake.help().is_some());
                assert!(error.source_text().len() <= 80);
                assert!(error.to_string().len() < 600, "{error}");
            }
        }
    }
}

/// Texts as long as the longest accepted, wrong throughout in different ways, in the grammar
/// they are parsed in (`true`: `access_token!`).
fn hostile_texts() -> Vec<(&'static str, bool, String)> {
    use crate::MAX_POLICY_LEN;
    let fill = |unit: &str| unit.repeat(MAX_POLICY_LEN / unit.len());
    vec![
        ("`x;` lines", false, fill("x;\n")),
        ("`x;` on one line", false, fill("xyzzy; ")),
        (
            "one unknown statement",
            false,
            format!("{};", "x".repeat(MAX_POLICY_LEN - 1)),
        ),
        ("`ttl 600;` lines", false, fill("ttl 600;\n")),
        (
            "a statement given again and again",
            false,
            fill("incoming \"A\";\n"),
        ),
        ("statements without `;`", false, fill("incoming \"A\" ")),
        (
            "a block of one key",
            false,
            format!(
                "events {{ {} }}",
                "K = \"v\", ".repeat(MAX_POLICY_LEN / 10 - 2)
            ),
        ),
        (
            "values that are not literals",
            false,
            fill("incoming a + b;\n"),
        ),
        ("punctuation", false, fill("+ ")),
        (
            "a grant block of unknown fields",
            true,
            format!(
                "identity \"a\"; voice {{ {} }}",
                "x; ".repeat(MAX_POLICY_LEN / 3 - 12)
            ),
        ),
        (
            "identities again and again",
            true,
            fill("identity \"a b\";\n"),
        ),
        (
            "a long key",
            false,
            format!("events {{ {} }}", "k".repeat(MAX_POLICY_LEN - 20)),
        ),
        ("no-break spaces between tokens", false, fill("x\u{A0}")),
        (
            "a no-break space after every statement",
            false,
            fill("incoming \"A\";\u{A0}\n"),
        ),
        (
            "no-break spaces in comments",
            false,
            fill("/*\u{A0}*/ x // \u{A0}\n"),
        ),
    ]
}

fn parse_either(access: bool, text: &str) -> ParseError {
    match access {
        false => text.parse::<Policy>().map(|_| ()).unwrap_err(),
        true => text.parse::<crate::AccessPolicy>().map(|_| ()).unwrap_err(),
    }
}

/// However wrong a text is, its error holds at most `MAX_DIAGNOSTICS` mistakes, each message
/// short, and its rendering is at most as long as the longest text accepted: the work and the
/// output are bounded by the mistakes reported, not by the mistakes the text holds.
#[test]
fn the_mistakes_of_a_hostile_text_are_capped() {
    use crate::{MAX_DIAGNOSTICS, MAX_POLICY_LEN};
    for (name, access, text) in hostile_texts() {
        assert!(text.len() <= MAX_POLICY_LEN, "{name}");
        let error = parse_either(access, &text);
        let count = error.diagnostics().len();
        assert!((1..=MAX_DIAGNOSTICS).contains(&count), "{name}: {count}");
        for d in error.diagnostics() {
            assert!(
                d.full_message().len() <= 400,
                "{name}: {} bytes: {}",
                d.full_message().len(),
                d.full_message()
            );
        }
        let rendered = error.to_string();
        assert!(
            rendered.len() <= MAX_POLICY_LEN,
            "{name}: {} bytes rendered",
            rendered.len()
        );
        assert!(
            rendered.len() <= 1000 * count + 200,
            "{name}: {} bytes for {count} mistakes",
            rendered.len()
        );
        assert_eq!(
            error.truncated(),
            rendered.contains("mistakes; those after the first"),
            "{name}"
        );
    }
}

/// The parser stops once the mistakes it found exceed the limit, or once there are more
/// statements than a block can hold (each statement at most once) plus the limit: the
/// statements it reads are bounded, so that its time is.
#[test]
fn parsing_stops_past_the_limit_of_mistakes() {
    use super::ast::Input;
    for (text, expected_stop) in [
        ("x;\n".repeat(10_000), true),
        ("ttl 600s;\n".repeat(10_000), true),
        ("x;\n".repeat(5), false),
    ] {
        let (input, stopped) = Input::parse_at_most(tokens(&text), &GRAMMAR, 50);
        assert_eq!(stopped, expected_stop, "{text:.20}");
        assert!(input.stmts.len() <= GRAMMAR.rules.len() + 51);
        assert!(input.errors.len() <= 51);
    }
    // The macro's parse reads everything.
    assert_eq!(parse(&"x;\n".repeat(1_000)).errors.len(), 1_000);
    let error = "x;\n".repeat(10_000).parse::<Policy>().unwrap_err();
    assert!(error.truncated());
    let error = "x;\n".repeat(50).parse::<Policy>().unwrap_err();
    assert!(!error.truncated());
    assert_eq!(error.diagnostics().len(), 50);
}

/// A word, key or value is quoted by its first `MAX_QUOTE_CHARS` characters, in the message of
/// `capability!` and of run-time parsing alike.
#[test]
fn long_words_are_not_quoted_whole() {
    use crate::MAX_QUOTE_CHARS;
    let word = "y".repeat(30_000);
    let too_long = "y".repeat(MAX_QUOTE_CHARS + 1);
    for text in [
        format!("{word};"),
        format!("incoming {word};"),
        format!("incoming a {word};"),
        format!("events {{ {word} }}"),
        format!("events {{ {word} = \"a\", {word} = \"b\" }}"),
    ] {
        let error = text.parse::<Policy>().unwrap_err();
        let quoting = error
            .diagnostics()
            .iter()
            .filter(|d| d.full_message().contains("…`"));
        assert!(quoting.count() >= 1, "{error:.300}");
        for d in error.diagnostics() {
            let message = d.full_message();
            assert!(!message.contains(&too_long), "{message:.300}");
            assert!(
                message.len() < 400,
                "{} bytes: {message:.300}",
                message.len()
            );
        }
        assert!(error.to_string().len() < 2_000, "{text:.20}");
        // The macro's messages are the same.
        assert_eq!(
            grammar_and_check_errors(&text),
            error
                .diagnostics()
                .iter()
                .map(|d| d.full_message())
                .collect::<Vec<_>>()
        );
    }
    // Short words are quoted whole.
    assert_eq!(
        run_time_errors("xyzzy;"),
        ["unknown statement `xyzzy`; the statements are `incoming`, `outgoing`, `events`, `ttl` and `crate`"]
    );
}

/// Every message of `capability!` for `text`: the grammar's, then the check's.
fn grammar_and_check_errors(text: &str) -> Vec<String> {
    match check(parse(text)) {
        Ok(_) => Vec::new(),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// The serde error of a policy in configuration is bounded as the error is.
#[cfg(feature = "serde")]
#[test]
fn the_serde_error_of_a_hostile_policy_is_bounded() {
    #[derive(Debug, serde::Deserialize)]
    struct Config {
        #[allow(dead_code)]
        agent: Policy,
    }
    for (name, access, text) in hostile_texts() {
        if access {
            continue;
        }
        let json = serde_json::json!({ "agent": text }).to_string();
        let error = serde_json::from_str::<Config>(&json)
            .unwrap_err()
            .to_string();
        assert!(
            error.len() <= crate::MAX_POLICY_LEN / 2,
            "{name}: {} bytes",
            error.len()
        );
    }
}

/// A space that Rust refuses is located exactly, whatever comes before it on its line or on the
/// lines before (characters of several bytes, strings and comments holding such spaces too).
#[test]
fn refused_spaces_are_located_exactly() {
    let text = "incoming \"\u{E9}\u{A0}\"; // c\u{A0}\u{3000}\n/* \u{A0} /* \u{A0} */ */ ttl\u{3000}10m;\u{A0}\u{A0}\n\u{202F}";
    let error = text.parse::<Policy>().unwrap_err();
    let found: Vec<(&str, usize, usize)> = error
        .diagnostics()
        .iter()
        .map(|d| (&text[d.byte_range()], d.line(), d.column()))
        .collect();
    assert_eq!(
        found,
        [
            ("\u{3000}", 2, 20),
            ("\u{A0}", 2, 25),
            ("\u{202F}", 3, 1),
            // Then the others: the client name's.
            ("\"\u{E9}\u{A0}\"", 1, 10),
        ]
    );
    assert!(error.diagnostics()[1]
        .help()
        .unwrap()
        .contains("(No-Break Space)"));
}
