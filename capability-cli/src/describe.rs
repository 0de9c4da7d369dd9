//! What a token grants and when it is valid, in plain words and as JSON: shared by `decode`,
//! `verify` and `check`.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use capability_runtime::{AccessGrants, Grants, Identity, Params, Region};
use serde_json::{json, Value};

use crate::output::{clean, quoted, styled, DIM, HEADING};

/// The grants, one line each with details indented below, as the quickstart prints them.
pub fn grants(out: &mut String, grants: &Grants) {
    let _ = writeln!(out, "{}", styled(HEADING, "grants"));
    if grants.is_empty() {
        let _ = writeln!(
            out,
            "  nothing: the token allows no call and no event stream"
        );
    }
    if let Some(name) = grants.incoming() {
        let _ = writeln!(out, "  incoming  receive calls as client `{name}`");
    }
    if let Some(outgoing) = grants.outgoing() {
        let _ = writeln!(
            out,
            "  outgoing  place calls through TwiML application {}",
            outgoing.app_sid()
        );
        params(out, "with parameter", outgoing.params());
        if let Some(name) = outgoing.client_name() {
            let _ = writeln!(out, "            as caller `client:{name}`");
        }
    }
    if let Some(events) = grants.events() {
        let _ = writeln!(out, "  events    subscribe to the account's event stream");
        params(out, "where", events.filters());
    }
    for scope in grants.other_scopes() {
        let _ = writeln!(
            out,
            "  unknown   {} {}",
            clean(scope),
            styled(DIM, "(not a Twilio Client scope: grants nothing)")
        );
    }
}

fn params(out: &mut String, label: &str, params: &Params) {
    for (key, value) in params {
        let _ = writeln!(
            out,
            "            {label} {} = {}",
            clean(key),
            quoted(value)
        );
    }
}

/// The grants as JSON: each grant an object or `null`, parameters and filters as `[key, value]`
/// pairs in order.
pub fn grants_json(grants: &Grants) -> Value {
    let pairs = |params: &Params| -> Value { params.iter().map(|(k, v)| json!([k, v])).collect() };
    json!({
        "incoming": grants.incoming().map(|name| json!({ "client_name": name.as_str() })),
        "outgoing": grants.outgoing().map(|o| json!({
            "app_sid": o.app_sid().as_str(),
            "params": pairs(o.params()),
            "client_name": o.client_name().map(|n| n.as_str()),
        })),
        "events": grants.events().map(|e| json!({ "filters": pairs(e.filters()) })),
        "other_scopes": grants.other_scopes(),
    })
}

/// The four fields of the Conversations and Sync grants.
struct Service {
    sid: Option<String>,
    endpoint: Option<String>,
    role: Option<String>,
    credential: Option<String>,
}

/// The [`Service`] of a `ChatGrant` or a `SyncGrant`, which have the same accessors.
macro_rules! service {
    ($grant:expr) => {
        Service {
            sid: $grant.service_sid().map(ToString::to_string),
            endpoint: $grant.endpoint_id().map(str::to_owned),
            role: $grant.deployment_role_sid().map(ToString::to_string),
            credential: $grant.push_credential_sid().map(ToString::to_string),
        }
    };
}

/// An Access Token's identity, region and grants, one line each with details indented below.
pub fn access_grants(
    out: &mut String,
    identity: Option<&Identity>,
    region: Option<&Region>,
    grants: &AccessGrants,
) {
    match identity {
        Some(identity) => {
            let _ = writeln!(
                out,
                "{}    {}",
                styled(HEADING, "identity"),
                clean(identity.as_str())
            );
        }
        None => {
            let _ = writeln!(out, "{}    none", styled(HEADING, "identity"));
        }
    }
    if let Some(region) = region {
        let _ = writeln!(
            out,
            "{}      {}",
            styled(HEADING, "region"),
            region.as_str()
        );
    }
    let _ = writeln!(out, "{}", styled(HEADING, "grants"));
    if grants.is_empty() {
        let _ = writeln!(out, "  nothing: the token grants no service");
    }
    const PAD: &str = "               ";
    let line = |out: &mut String, text: String| {
        let _ = writeln!(out, "{PAD}{text}");
    };
    if let Some(voice) = grants.voice() {
        let _ = writeln!(
            out,
            "  voice        {}",
            match voice.incoming_allowed() {
                true => match identity {
                    Some(identity) =>
                        format!("receive calls as client `{}`", clean(identity.as_str())),
                    None => "receive calls".into(),
                },
                false => "no incoming calls".into(),
            }
        );
        match voice.outgoing_application() {
            Some(app) => {
                line(
                    out,
                    format!("place calls through TwiML application {}", app.app_sid()),
                );
                for (key, value) in app.params() {
                    line(
                        out,
                        format!("  with parameter {} = {}", clean(key), quoted(value)),
                    );
                }
            }
            None => line(out, "no outgoing calls".into()),
        }
        if let Some(sid) = voice.push_credential_sid() {
            line(out, format!("push notifications through credential {sid}"));
        }
        if let Some(id) = voice.endpoint_id() {
            line(out, format!("endpoint id {}", quoted(id)));
        }
    }
    if let Some(video) = grants.video() {
        let _ = writeln!(
            out,
            "  video        {}",
            match video.room_name() {
                Some(room) => format!("join the room {}", quoted(room)),
                None => "join any room".into(),
            }
        );
    }
    for (name, product, service) in [
        ("chat", "Conversations", grants.chat().map(|g| service!(g))),
        ("sync", "Sync", grants.sync().map(|g| service!(g))),
    ] {
        let Some(service) = service else {
            continue;
        };
        let _ = writeln!(
            out,
            "  {name:<11}  use {product}{}",
            match &service.sid {
                Some(sid) => format!(" service {sid}"),
                None => String::new(),
            }
        );
        if let Some(id) = &service.endpoint {
            line(out, format!("endpoint id {}", quoted(id)));
        }
        if let Some(role) = &service.role {
            line(out, format!("deployment role {role}"));
        }
        if let Some(credential) = &service.credential {
            line(
                out,
                format!("push notifications through credential {credential}"),
            );
        }
    }
    if let Some(task_router) = grants.task_router() {
        let _ = writeln!(
            out,
            "  task_router  use TaskRouter{}",
            match task_router.workspace_sid() {
                Some(sid) => format!(" workspace {sid}"),
                None => String::new(),
            }
        );
        if let Some(sid) = task_router.worker_sid() {
            line(out, format!("as worker {sid}"));
        }
        if let Some(role) = task_router.role_name() {
            line(out, format!("with the role {}", quoted(role)));
        }
    }
    if let Some(playback) = grants.playback() {
        let _ = writeln!(
            out,
            "  playback     watch a Live stream: {}",
            clean(playback.as_json())
        );
    }
    for (key, json) in grants.other_grants() {
        let _ = writeln!(
            out,
            "  {:<11}  {} {}",
            clean(key),
            clean(json),
            styled(DIM, "(a grant this tool does not know)")
        );
    }
}

/// An Access Token's grants as JSON: each grant an object or `null`; parameters as
/// `[key, value]` pairs; the `playback` grant and unknown grants as the JSON they hold.
pub fn access_grants_json(grants: &AccessGrants) -> Value {
    let sid = |s: Option<String>| s.map(Value::String).unwrap_or(Value::Null);
    let json_of =
        |text: &str| serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()));
    let service = |s: Service| {
        json!({
            "service_sid": s.sid,
            "endpoint_id": s.endpoint,
            "deployment_role_sid": s.role,
            "push_credential_sid": s.credential,
        })
    };
    json!({
        "voice": grants.voice().map(|v| json!({
            "incoming": v.incoming_allowed(),
            "outgoing": v.outgoing_application().map(|app| json!({
                "app_sid": app.app_sid().as_str(),
                "params": app.params().iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            })),
            "push_credential_sid": sid(v.push_credential_sid().map(|s| s.to_string())),
            "endpoint_id": v.endpoint_id(),
        })),
        "video": grants.video().map(|v| json!({ "room": v.room_name() })),
        "chat": grants.chat().map(|g| service(service!(g))),
        "sync": grants.sync().map(|g| service(service!(g))),
        "task_router": grants.task_router().map(|t| json!({
            "workspace_sid": sid(t.workspace_sid().map(|s| s.to_string())),
            "worker_sid": sid(t.worker_sid().map(|s| s.to_string())),
            "role": t.role_name(),
        })),
        "playback": grants.playback().map(|p| json_of(p.as_json())),
        "other_grants": grants
            .other_grants()
            .iter()
            .map(|(key, json)| json!([key, json_of(json)]))
            .collect::<Vec<_>>(),
    })
}

/// A Unix time as a UTC date, its number, and how far it is from `now`:
/// `2023-11-14T23:13:20Z (1700003600), in 59m 59s`.
pub fn time(at: u64, now: u64) -> String {
    format!("{} ({at}), {}", date(at), relative(at, now))
}

/// A Unix time as an RFC 3339 UTC date, or a plain statement for years past 9999.
pub fn date(at: u64) -> String {
    // humantime formats up to the end of the year 9999, and fails beyond.
    const END_OF_9999: u64 = 253_402_300_799;
    match at <= END_OF_9999 {
        true => humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(at)).to_string(),
        false => "after the year 9999".into(),
    }
}

/// `in 59m 59s`, `3h 2m ago` or `now`: the two largest units, which is precise enough to read.
pub fn relative(at: u64, now: u64) -> String {
    let words = |secs: u64| {
        let exact = humantime::format_duration(Duration::from_secs(secs)).to_string();
        exact.split(' ').take(2).collect::<Vec<_>>().join(" ")
    };
    match at.cmp(&now) {
        std::cmp::Ordering::Greater => format!("in {}", words(at - now)),
        std::cmp::Ordering::Less => format!("{} ago", words(now - at)),
        std::cmp::Ordering::Equal => "now".into(),
    }
}

/// A duration in words: `10m`, `1day 2h`.
pub fn duration(secs: u64) -> String {
    humantime::format_duration(Duration::from_secs(secs)).to_string()
}

/// The time now by the system clock, in Unix seconds.
pub fn now() -> Result<u64, String> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| "the system clock is before 1970; pass the time with --at UNIX".into())
}

/// `exp − now` in seconds, negative once expired.
pub fn seconds_until(at: u64, now: u64) -> i128 {
    i128::from(at) - i128::from(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_words() {
        assert_eq!(date(1_700_003_600), "2023-11-14T23:13:20Z");
        assert_eq!(date(u64::MAX), "after the year 9999");
        assert_eq!(date(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(relative(1_700_003_600, 1_700_000_001), "in 59m 59s");
        assert_eq!(relative(1_700_000_000, 1_700_007_321), "2h 2m ago");
        assert_eq!(relative(0, 1_700_000_000), "53years 10months ago");
        assert_eq!(relative(5, 5), "now");
        assert_eq!(
            time(1_700_003_600, 1_700_000_000),
            "2023-11-14T23:13:20Z (1700003600), in 1h"
        );
        assert_eq!(duration(90_000), "1day 1h");
    }
}
