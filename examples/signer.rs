//! A capability token signed by a prepared `Signer`, as a token server holds one: the credentials
//! read from the environment once, and the policy it signs for every request prepared for them
//! once, both in `LazyLock`s. Then the token is verified and what it grants printed.
//!
//! ```text
//! cargo run --example signer
//! ```
//!
//! Uses `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` when both are set; otherwise clearly
//! labelled demo credentials, which Twilio will not accept.

use std::env;
use std::error::Error;
use std::sync::LazyLock;

use capability::{capability, Credentials, Policy, Signer};

/// Alice may receive calls, place calls through a TwiML application (which Twilio calls with
/// `Queue=support`) and watch the event stream for errors, for ten minutes. Checked and encoded
/// at compile time: a typo in the SID or the client name would not compile.
const SUPPORT_AGENT: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Queue = "support" };
    events { Level = "error" };
    ttl 10m;
};

const DEMO_ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const DEMO_AUTH_TOKEN: &str = "demo-auth-token-not-a-real-secret";

/// The account's credentials, read from the environment at first use.
static CREDENTIALS: LazyLock<Credentials> = LazyLock::new(|| {
    match (
        env::var("TWILIO_ACCOUNT_SID"),
        env::var("TWILIO_AUTH_TOKEN"),
    ) {
        (Ok(sid), Ok(token)) => {
            println!("credentials: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN from the environment");
            Credentials::new(&sid, token).unwrap_or_else(|e| {
                eprintln!("TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN: {e}");
                std::process::exit(1)
            })
        }
        _ => {
            println!("credentials: DEMO ({DEMO_ACCOUNT_SID}, a made-up auth token)");
            println!("             set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to use your own");
            Credentials::new(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN).expect("valid demo credentials")
        }
    }
});

/// The support agent's policy prepared for the account: each token then costs the last blocks
/// of its HMAC. Shared by every thread of the server, no lock.
static SUPPORT_AGENT_SIGNER: LazyLock<Signer> =
    LazyLock::new(|| SUPPORT_AGENT.signer(&CREDENTIALS));

fn main() -> Result<(), Box<dyn Error>> {
    // At start-up, so that bad credentials stop the server before it serves anything.
    LazyLock::force(&SUPPORT_AGENT_SIGNER);

    // For each request:
    let token = SUPPORT_AGENT_SIGNER.sign()?;
    println!("\ntoken:\n{token}\n");

    // The same bytes as signing the policy itself (the quickstart prints what it grants).
    let verified = CREDENTIALS.verify(token.as_str())?;
    assert_eq!(verified.grants(), SUPPORT_AGENT.grants());
    println!(
        "verified: issued by {}, expires at {} (Unix seconds, in {} s)",
        verified.account_sid(),
        verified.expires_at(),
        SUPPORT_AGENT.ttl().as_secs()
    );
    Ok(())
}
