//! Run-time parsing is linear in the text's length for any input: the worst policies we can
//! write, each as long as the longest text accepted (`MAX_POLICY_LEN`), against a valid policy of
//! the same length, measured interleaved (see `contestants::interleave`). Reported for each: the
//! median time of `parse` and of `parse` then rendering the error (`Display`), the median over
//! rounds of their ratio to the valid policy's `parse`, and the size of what is rendered.
//!
//! ```text
//! cargo bench -p capability-tests --bench policy_text
//! ```

mod contestants;

use std::hint::black_box;

use capability::{AccessPolicy, Policy, MAX_POLICY_LEN};
use contestants::{call, interleave, median, median_ratio, Contestant};

const ROUNDS: usize = 200;
const BATCH: u32 = 2;

/// `unit` repeated to fill `MAX_POLICY_LEN` (whole repetitions only), after `head`.
fn fill(head: &str, unit: &str) -> String {
    let n = (MAX_POLICY_LEN - head.len()) / unit.len();
    format!("{head}{}", unit.repeat(n))
}

/// Which grammar a text is parsed in.
#[derive(Clone, Copy)]
enum Kind {
    Capability,
    Access,
}

fn parse(kind: Kind, text: &str) -> Option<capability::ParseError> {
    match kind {
        Kind::Capability => text.parse::<Policy>().err(),
        Kind::Access => text.parse::<AccessPolicy>().err(),
    }
}

fn main() {
    // A valid policy as long as the longest text: a few statements, then comments.
    let statements = "incoming \"Alice\";\noutgoing \"AP0123456789abcdef0123456789abcdef\" { Queue = \"support\" };\nttl 10m;\n";
    let valid = fill(
        statements,
        "// an operator's note on the policy above, kept with it\n",
    );
    assert!(valid.parse::<Policy>().is_ok());

    let long_word = format!("{};", "x".repeat(MAX_POLICY_LEN - 1));
    let hostile: Vec<(&str, Kind, String)> = vec![
        ("`x;` lines", Kind::Capability, fill("", "x;\n")),
        ("`x;` without line breaks", Kind::Capability, fill("", "x;")),
        (
            "one unknown statement of 64 KiB",
            Kind::Capability,
            long_word.clone(),
        ),
        ("`ttl 600;` lines", Kind::Capability, fill("", "ttl 600;\n")),
        (
            "`incoming \"Alice\";` given again and again",
            Kind::Capability,
            fill("", "incoming \"Alice\";\n"),
        ),
        (
            "statements without `;`",
            Kind::Capability,
            fill("", "incoming \"Alice\" "),
        ),
        (
            "one `events` block of the same key",
            Kind::Capability,
            format!(
                "events {{ {} }}",
                "K = \"v\", ".repeat(MAX_POLICY_LEN / 10 - 2)
            ),
        ),
        (
            "one `events` block of bad keys",
            Kind::Capability,
            format!(
                "events {{ {} }}",
                "\"K K\" = \"v\", ".repeat(MAX_POLICY_LEN / 14 - 2)
            ),
        ),
        (
            "values that are not literals",
            Kind::Capability,
            fill("", "incoming a + b;\n"),
        ),
        ("punctuation", Kind::Capability, fill("", "+ ")),
        (
            "one line of unknown statements",
            Kind::Capability,
            fill("", "xyzzy; "),
        ),
        (
            "no-break spaces between tokens",
            Kind::Capability,
            fill("", "x\u{A0}"),
        ),
        (
            "`x;` lines, then a no-break space",
            Kind::Capability,
            format!("{}\u{A0}", "x;\n".repeat(MAX_POLICY_LEN / 3 - 1)),
        ),
        (
            "no-break spaces in comments",
            Kind::Capability,
            fill("", "/*\u{A0}*/ x // \u{A0}\n"),
        ),
        (
            "Access Token: bad fields in `voice`",
            Kind::Access,
            format!(
                "identity \"a\"; voice {{ {} }}",
                "x; ".repeat(MAX_POLICY_LEN / 3 - 12)
            ),
        ),
        (
            "Access Token: `identity` again and again",
            Kind::Access,
            fill("", "identity \"a b\";\n"),
        ),
    ];
    for (name, _, text) in &hostile {
        assert!(text.len() <= MAX_POLICY_LEN, "{name}: {} bytes", text.len());
    }

    println!("valid policy: {} bytes", valid.len());
    let mut calls: Vec<Contestant> = vec![call(|| valid.parse::<Policy>())];
    for (_, kind, text) in &hostile {
        let kind = *kind;
        calls.push(call(move || parse(kind, black_box(text))));
        calls.push(call(move || {
            parse(kind, black_box(text)).map(|e| e.to_string().len())
        }));
    }
    let times = interleave(&calls, ROUNDS, BATCH);

    println!("\ninterleaved: {ROUNDS} rounds of {BATCH} calls each; medians");
    println!(
        "| input ({MAX_POLICY_LEN} bytes or a few less) | mistakes | parse | × valid | parse and render | × valid | rendered |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    println!(
        "| valid policy (statements, then comments) | 0 | {:.2} ms | 1.00 | | | |",
        median(times[0].clone()) / 1e6
    );
    for (i, (name, kind, text)) in hostile.iter().enumerate() {
        let error = parse(*kind, text).expect("a hostile policy is refused");
        let (parse_times, render_times) = (&times[1 + 2 * i], &times[2 + 2 * i]);
        println!(
            "| {name} | {} | {:.2} ms | {:.1} | {:.2} ms | {:.1} | {} bytes |",
            match error.truncated() {
                true => format!("> {}", error.diagnostics().len()),
                false => error.diagnostics().len().to_string(),
            },
            median(parse_times.clone()) / 1e6,
            median_ratio(parse_times, &times[0]),
            median(render_times.clone()) / 1e6,
            median_ratio(render_times, &times[0]),
            error.to_string().len(),
        );
    }
}
