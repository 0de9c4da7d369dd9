//! The command line: subcommands, arguments and the help text, with clap's derive API.

use clap::{Args, Parser, Subcommand};

/// A help text, then where credentials come from: one literal, as clap's attributes need.
macro_rules! with_credentials {
    ($text:literal) => {
        concat!(
            $text,
            "\n\n",
            "Credentials come from the environment, never from arguments (which end up in shell history and
in `ps`), under the names of Twilio's own quickstarts:
  capability tokens  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
  Access Tokens      TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET"
        )
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "capability",
    version,
    about = "Decode, verify and sign Twilio tokens, and check token policies",
    long_about = "\
Decode, verify and sign Twilio capability tokens and Access Tokens, and check the policies they
are signed from.

Twilio's client SDKs check nothing locally: a bad token comes back from Twilio as error 20101 or
31204. `capability decode` shows what a token holds and what Twilio would refuse it for, without
any secret.",
    after_help = "Examples:
  capability decode eyJ0eXAiOiJKV1Qi...          what a token holds, and its problems
  pbpaste | capability decode                    the token from standard input
  capability verify --json \"$TOKEN\"              check the signature and the claims
  capability check 'incoming \"alice\"; ttl 10m'   is this policy valid? what does it grant?
  capability sign @policy.cap > token.txt        sign a token from a policy file

Exit status: 0 success; 1 not a token, an invalid token or a policy mistake; 2 wrong usage or
missing credentials. Colour only on a terminal; NO_COLOR turns it off.",
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a token holds, without any secret, and what Twilio would refuse it for
    #[command(
        long_about = "\
Show what a token holds, without any secret: its kind (capability token or Access Token), header,
claims and grants in plain words, when it expires, and the problems Twilio would refuse it for
(expired, not yet valid, a lifetime over 24 h, a wrong alg/typ/cty, malformed SIDs, client names
or identities Twilio refuses, unknown scopes).

The signature is NOT checked: `capability verify` checks it.",
        after_help = "Examples:
  capability decode eyJ0eXAiOiJKV1Qi...
  capability decode < token.txt
  capability decode --json - < token.txt | jq .problems

Exit status: 0 it is a Twilio token (whatever its problems); 1 it is not one."
    )]
    Decode(Decode),

    /// Check a token's signature and claims with the account's credentials
    #[command(
        long_about = "\
Check a token's signature, issuer, lifetime and grants with the account's credentials, as a
server does before trusting it. The kind of token (capability or Access Token) chooses the
credentials.",
        after_help = with_credentials!(
"Examples:
  export TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=...
  capability verify eyJ0eXAiOiJKV1Qi...
  capability verify --at 1700000000 < token.txt

Exit status: 0 valid; 1 invalid (one line on standard error says why); 2 wrong usage or missing
credentials.")
    )]
    Verify(Verify),

    /// Sign a token from a policy
    #[command(
        long_about = "\
Sign a token from a policy written in the grammar of the `capability!` macro (with --access, of
`access_token!`), and print it on standard output. Mistakes in the policy are reported as the
compiler reports them, every one at once.",
        after_help = with_credentials!(
"Examples:
  capability sign 'incoming \"alice\"; outgoing \"AP0123456789abcdef0123456789abcdef\"; ttl 10m'
  capability sign @policy.cap
  echo 'events { Level = \"error\" };' | capability sign -
  capability sign --at 1700000000 @policy.cap
  capability sign --access 'identity \"alice\"; video { room \"standup\" }'

Exit status: 0 signed; 1 a mistake in the policy; 2 wrong usage or missing credentials.")
    )]
    Sign(Sign),

    /// Check a policy: its mistakes, or the grants it would sign
    #[command(
        long_about = "\
Check a policy written in the grammar of the `capability!` macro (with --access, of
`access_token!`): print every mistake as the compiler reports it, or what a token signed from it
would grant. Needs no credentials.",
        after_help = "Examples:
  capability check 'incoming \"alice\"; ttl 10m'
  capability check @policy.cap
  capability check --json - < policy.cap
  capability check --access 'identity \"alice\"; voice { incoming }'

Exit status: 0 valid; 1 a mistake in the policy."
    )]
    Check(Check),

    /// Sign and check Twilio's webhook signatures (X-Twilio-Signature)
    Webhook(crate::webhook::WebhookArgs),
}

#[derive(Debug, Args)]
pub struct Decode {
    /// The token; `-` or nothing reads it from standard input
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,

    /// Judge the expiry at this time (Unix seconds) instead of now
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    /// Print one JSON object instead of prose
    #[arg(long)]
    pub json: bool,

    /// More arguments than one token (never shown: they may hold a secret)
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub extra: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Verify {
    /// The token; `-` or nothing reads it from standard input
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,

    /// Verify at this time (Unix seconds) instead of now
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    /// Print one JSON object instead of prose
    #[arg(long)]
    pub json: bool,

    /// More arguments than one token (never shown: they may hold a secret)
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub extra: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Sign {
    /// The policy: its text, `@FILE`, or `-` for standard input
    #[arg(value_name = "POLICY")]
    pub policy: String,

    /// Sign an Access Token (the `access_token!` grammar) instead of a capability token
    #[arg(long)]
    pub access: bool,

    /// Issue the token at this time (Unix seconds) instead of now
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    /// More arguments than one policy (never shown: they may hold a secret)
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub extra: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Check {
    /// The policy: its text, `@FILE`, or `-` for standard input
    #[arg(value_name = "POLICY")]
    pub policy: String,

    /// Check an Access Token policy (the `access_token!` grammar)
    #[arg(long)]
    pub access: bool,

    /// Print one JSON object instead of prose
    #[arg(long)]
    pub json: bool,

    /// More arguments than one policy (never shown: they may hold a secret)
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub extra: Vec<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
