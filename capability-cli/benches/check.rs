//! `capability check` on 64 KiB of mistakes: the command run as a user runs it (a process, the
//! policy on standard input), on policies as long as the longest accepted, against a valid
//! policy of the same length, interleaved round by round so that a slow spell of a shared machine
//! hits them all alike. Reported: the median wall time of each over the rounds, the median over
//! rounds of its ratio to the valid policy's, and the bytes it printed. The goal: at most 50 ms
//! and 64 KiB printed for each.
//!
//! ```text
//! cargo bench -p capability-cli --bench check
//! ```

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

const ROUNDS: usize = 40;
/// The longest policy accepted (`MAX_POLICY_LEN`).
const LEN: usize = 64 * 1024;

/// `unit` repeated to fill `LEN` (whole repetitions), after `head`.
fn fill(head: &str, unit: &str) -> String {
    format!("{head}{}", unit.repeat((LEN - head.len()) / unit.len()))
}

/// Runs `capability check [--access] -` on `text`: the wall time (ms) and the bytes printed.
fn check(access: bool, text: &str) -> (f64, usize) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capability"));
    command.arg("check");
    if access {
        command.arg("--access");
    }
    let start = Instant::now();
    let mut child = command
        .arg("-")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command runs");
    child
        .stdin
        .take()
        .expect("its standard input")
        .write_all(text.as_bytes())
        .expect("the policy is written");
    let output = child.wait_with_output().expect("the command ends");
    let ms = start.elapsed().as_secs_f64() * 1e3;
    (ms, output.stdout.len() + output.stderr.len())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let valid = fill(
        "incoming \"Alice\";\noutgoing \"AP0123456789abcdef0123456789abcdef\" { Queue = \"support\" };\nttl 10m;\n",
        "// an operator's note on the policy above, kept with it\n",
    );
    let inputs: Vec<(&str, bool, String)> = vec![
        ("valid policy (statements, then comments)", false, valid),
        ("`x;` lines", false, fill("", "x;\n")),
        ("`x;` on one line", false, fill("", "x; ")),
        (
            "one unknown statement of 64 KiB",
            false,
            format!("{};", "x".repeat(LEN - 1)),
        ),
        ("`ttl 600;` lines", false, fill("", "ttl 600;\n")),
        (
            "a statement given again and again",
            false,
            fill("", "incoming \"Alice\";\n"),
        ),
        (
            "one `events` block of the same key",
            false,
            format!("events {{ {} }}", "K = \"v\", ".repeat(LEN / 10 - 2)),
        ),
        (
            "values that are not literals",
            false,
            fill("", "incoming a + b;\n"),
        ),
        (
            "Access Token: bad fields in `voice`",
            true,
            format!("identity \"a\"; voice {{ {} }}", "x; ".repeat(LEN / 3 - 12)),
        ),
        (
            "Access Token: `identity` again and again",
            true,
            fill("", "identity \"a b\";\n"),
        ),
    ];
    for (name, _, text) in &inputs {
        assert!(text.len() <= LEN, "{name}");
    }
    let n = inputs.len();
    let mut times = vec![Vec::with_capacity(ROUNDS); n];
    let mut printed = vec![0; n];
    for round in 0..ROUNDS + 2 {
        for i in 0..n {
            let c = (round + i) % n;
            let (ms, bytes) = check(inputs[c].1, &inputs[c].2);
            // Two rounds of warm-up: the binary and the page cache.
            if round >= 2 {
                times[c].push(ms);
            }
            printed[c] = bytes;
        }
    }
    println!("`capability check -`, {ROUNDS} rounds interleaved; medians");
    println!("| policy ({LEN} bytes or a few less) | wall time | × valid | printed | goal |");
    println!("|---|---:|---:|---:|---|");
    for (i, (name, _, _)) in inputs.iter().enumerate() {
        let ratio = median(times[i].iter().zip(&times[0]).map(|(a, b)| a / b).collect());
        println!(
            "| {name} | {:.1} ms | {ratio:.2} | {} bytes | ≤ 50 ms, ≤ 65536 bytes |",
            median(times[i].clone()),
            printed[i]
        );
    }
}
