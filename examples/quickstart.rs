//! Sign a capability token and an Access Token, then verify each and print what it grants.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Uses `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` (capability tokens), and
//! `TWILIO_API_KEY` and `TWILIO_API_SECRET` (Access Tokens), when set; otherwise clearly
//! labelled demo credentials, which Twilio will not accept.

use std::env;
use std::error::Error;
use std::time::Duration;

use capability::{capability, AccessPolicy, ApiKey, Credentials, Identity, Policy, VideoGrant};

/// Alice may receive calls, place calls through a TwiML application (which Twilio calls with
/// `Queue=support`) and watch the event stream for errors, for ten minutes. Checked and encoded
/// at compile time: a typo in the SID or the client name would not compile.
const SUPPORT_AGENT: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Queue = "support" };
    events { Level = "error" };
    ttl 10m;
};

/// The same agent's voice rights, without the event stream (Access Tokens have none): the policy
/// `to_access_policy` turns into an Access Token policy.
const VOICE_AGENT: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Queue = "support" };
    ttl 10m;
};

const DEMO_ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const DEMO_AUTH_TOKEN: &str = "demo-auth-token-not-a-real-secret";
const DEMO_API_KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
const DEMO_API_KEY_SECRET: &str = "demo-api-key-secret-not-a-real-one";

fn main() -> Result<(), Box<dyn Error>> {
    let account_sid = env::var("TWILIO_ACCOUNT_SID").ok();
    let credentials = match (&account_sid, env::var("TWILIO_AUTH_TOKEN")) {
        (Some(sid), Ok(token)) => {
            println!("credentials: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN from the environment");
            Credentials::new(sid, token)?
        }
        _ => {
            println!("credentials: DEMO ({DEMO_ACCOUNT_SID}, a made-up auth token)");
            println!("             set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to use your own");
            Credentials::new(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)?
        }
    };
    capability_token(&credentials)?;

    let api_key = match (
        &account_sid,
        env::var("TWILIO_API_KEY"),
        env::var("TWILIO_API_SECRET"),
    ) {
        (Some(account), Ok(sid), Ok(secret)) => {
            println!("\nAPI key: TWILIO_API_KEY / TWILIO_API_SECRET from the environment");
            ApiKey::new(account, &sid, secret)?
        }
        _ => {
            println!("\nAPI key: DEMO ({DEMO_API_KEY_SID}, a made-up secret)");
            println!("         set TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET");
            ApiKey::new(DEMO_ACCOUNT_SID, DEMO_API_KEY_SID, DEMO_API_KEY_SECRET)?
        }
    };
    access_token(&api_key)?;
    Ok(())
}

/// The deprecated capability token.
fn capability_token(credentials: &Credentials) -> Result<(), Box<dyn Error>> {
    let policy = &SUPPORT_AGENT;
    let token = policy.sign(credentials)?;
    println!("\ncapability token:\n{token}\n");

    let verified = credentials.verify(token.as_str())?;
    let grants = verified.grants();
    println!("verified: issued by {}", verified.account_sid());
    if let Some(name) = grants.incoming() {
        println!("  incoming: receive calls as client `{name}`");
    }
    if let Some(outgoing) = grants.outgoing() {
        println!(
            "  outgoing: call through application {}",
            outgoing.app_sid()
        );
        for (key, value) in outgoing.params() {
            println!("            with {key} = {value:?}");
        }
        if let Some(name) = outgoing.client_name() {
            println!("            as caller `client:{name}`");
        }
    }
    if let Some(events) = grants.events() {
        println!("  events:   subscribe to the event stream");
        for (key, value) in events.filters() {
            println!("            where {key} = {value:?}");
        }
    }
    println!(
        "expires at {} (Unix seconds, in {} s)",
        verified.expires_at(),
        policy.ttl().as_secs()
    );
    Ok(())
}

/// An Access Token: the voice rights of `VOICE_AGENT`, migrated, plus a Video room.
fn access_token(api_key: &ApiKey) -> Result<(), Box<dyn Error>> {
    // The migration: the capability policy's voice rights, as Twilio's guide maps them.
    let voice = VOICE_AGENT.to_access_policy()?;
    // And a policy of its own, built at run time.
    let policy = AccessPolicy::builder()
        .identity(Identity::new("Alice")?)
        .voice(voice.grants().voice().cloned().unwrap_or_default())
        .video(VideoGrant::new().room("DailyStandup"))
        .ttl(Duration::from_secs(600))
        .build()?;
    let token = policy.sign(api_key)?;
    println!("\nAccess Token:\n{token}\n");

    let verified = api_key.verify(token.as_str())?;
    let grants = verified.grants();
    println!(
        "verified: issued by API key {} for account {}",
        verified.api_key_sid(),
        verified.account_sid()
    );
    if let Some(identity) = verified.identity() {
        println!("  identity: `{identity}`");
    }
    if let Some(voice) = grants.voice() {
        if voice.incoming_allowed() {
            println!("  voice:    receive calls");
        }
        if let Some(app) = voice.outgoing_application() {
            println!("  voice:    call through application {}", app.app_sid());
            for (key, value) in app.params() {
                println!("            with {key} = {value:?}");
            }
        }
    }
    if let Some(video) = grants.video() {
        match video.room_name() {
            Some(room) => println!("  video:    join room `{room}`"),
            None => println!("  video:    join any room"),
        }
    }
    println!(
        "expires at {} (Unix seconds, in {} s)",
        verified.expires_at(),
        policy.ttl().as_secs()
    );
    Ok(())
}
