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
    let secrets = credentials::secrets();
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

/// clap's message for the help and version text and for missing arguments, as clap prints it.
/// Any other usage error is said in words of our own, naming the argument but never showing a
/// value given: clap's messages quote values (`invalid value '…' for '--at'`), and a value may be
/// a secret passed in the wrong place, which no other part of the output could then take out.
fn clap_outcome(e: &clap::Error) -> Outcome {
    use clap::error::ErrorKind;
    let shown_as_is = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            | ErrorKind::MissingRequiredArgument
            | ErrorKind::MissingSubcommand
    );
    if !shown_as_is {
        return Outcome::error(2, usage_error(e));
    }
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

/// The commands where an unknown one was given, as clap defines them: those of `webhook` when
/// its usage line (which holds names only, never a value given) is that of `webhook`, else the
/// top-level ones. `help` is left out: it is named in every message.
fn commands_of(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    use clap::CommandFactory as _;
    let cli = Cli::command();
    let in_webhook = matches!(
        e.get(ContextKind::Usage),
        Some(ContextValue::StyledStr(usage)) if usage.to_string().contains("capability webhook")
    );
    let parent = match in_webhook {
        true => cli.find_subcommand("webhook").unwrap_or(&cli),
        false => &cli,
    };
    let names: Vec<String> = parent
        .get_subcommands()
        .map(|c| format!("`{}`", c.get_name()))
        .filter(|name| name != "`help`")
        .collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A usage error that shows no value given: the argument's name when it is one of ours, and
/// how to write it.
fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    // clap's name for the argument: `--at <UNIX>` for one of ours; for an unknown one, the
    // text given, shown only up to its `=` and when it reads as an option's name.
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => Some(arg.as_str()),
        _ => None,
    };
    let flag = arg.map(|arg| arg.split([' ', '=']).next().unwrap_or_default());
    let known = flag.filter(|f| ["--at", "--json", "--access"].contains(f));
    const NOT_SHOWN: &str = "not shown, in case it is a secret";
    const SECRETS: &str = "secrets are read from the environment (TWILIO_AUTH_TOKEN, TWILIO_API_SECRET), never from an argument";
    match (e.kind(), known) {
        (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some("--at")) => format!(
            "`--at` takes a Unix time, in seconds since 1970, such as `--at 1700000000` (the \
             value given is {NOT_SHOWN})"
        ),
        (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some(flag)) => {
            format!("the value of `{flag}` is not valid ({NOT_SHOWN}); see `capability help`")
        }
        (ErrorKind::TooManyValues | ErrorKind::UnknownArgument, Some(flag)) if flag != "--at" => {
            format!("`{flag}` takes no value ({NOT_SHOWN}); write `{flag}` alone")
        }
        (ErrorKind::UnknownArgument, None) => {
            let name = flag.filter(|f| {
                f.len() <= 24
                    && f.starts_with("--")
                    && f[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-')
            });
            match name {
                Some(name) => format!(
                    "unknown option `{name}` (its value, if any, {NOT_SHOWN}); {SECRETS}; see `capability help`"
                ),
                None => format!("an unknown argument ({NOT_SHOWN}); {SECRETS}; see `capability help`"),
            }
        }
        (ErrorKind::InvalidSubcommand, _) => format!(
            "unknown command ({NOT_SHOWN}); the commands are {}; {SECRETS}",
            commands_of(e)
        ),
        (_, Some(flag)) => {
            format!("`{flag}` is not used right ({NOT_SHOWN}); see `capability help`")
        }
        (_, None) => {
            format!("the arguments are not right ({NOT_SHOWN}); {SECRETS}; see `capability help`")
        }
    }
}
