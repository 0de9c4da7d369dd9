//! `capability`: decode, verify and sign Twilio tokens, and check the policies they are signed
//! from. See `capability --help`, and the "Command line" section of the README.
#![forbid(unsafe_code)]

mod args;
mod check;
mod credentials;
mod decode;
mod describe;
mod input;
mod output;
mod policy;
mod sign;
mod verify;
mod webhook;

use std::process::ExitCode;

use clap::Parser as _;

use args::{Cli, Command};
use output::{emit, Outcome};

fn main() -> ExitCode {
    let mut secrets = credentials::secrets();
    secrets.extend(webhook::secrets());
    let outcome = match Cli::try_parse() {
        Ok(cli) => run(&cli.command),
        Err(e) => clap_outcome(&e),
    };
    emit(&outcome, &secrets);
    ExitCode::from(outcome.code)
}

fn run(command: &Command) -> Outcome {
    let extra = match command {
        Command::Decode(a) => a.extra.len(),
        Command::Verify(a) => a.extra.len(),
        Command::Sign(a) => a.extra.len(),
        Command::Check(a) => a.extra.len(),
        Command::Webhook(_) => 0,
    };
    if extra > 0 {
        return Outcome::error(
            2,
            format!(
                "{extra} argument{} too many (not shown, in case of a secret); pass one token or \
                 policy, and secrets in the environment (see --help)",
                if extra == 1 { "" } else { "s" }
            ),
        );
    }
    match command {
        Command::Decode(args) => decode::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Check(args) => check::run(args),
        Command::Webhook(args) => webhook::run(args),
    }
}

/// clap's message (usage errors, or the help and version text), as clap would print it.
fn clap_outcome(e: &clap::Error) -> Outcome {
    let text = e.render().ansi().to_string();
    match e.exit_code() {
        0 => Outcome {
            stdout: text,
            ..Outcome::default()
        },
        code => Outcome {
            stderr: text,
            code: u8::try_from(code).unwrap_or(2),
            ..Outcome::default()
        },
    }
}
