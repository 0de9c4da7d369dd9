//! What a token grants and when it is valid, in plain words and as JSON: shared by `decode`,
//! `verify` and `check`.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use capability_runtime::{Grants, Params};
use serde_json::{json, Value};

use crate::output::{clean, styled, DIM, HEADING};

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
            "            {label} {} = {:?}",
            clean(key),
            clean(value).as_ref()
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

/// `in 59m 59s`, `3h 2m ago` or `now`.
pub fn relative(at: u64, now: u64) -> String {
    let words = |secs: u64| humantime::format_duration(Duration::from_secs(secs)).to_string();
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
        assert_eq!(relative(1_700_000_000, 1_700_007_320), "2h 2m ago");
        assert_eq!(relative(5, 5), "now");
        assert_eq!(
            time(1_700_003_600, 1_700_000_000),
            "2023-11-14T23:13:20Z (1700003600), in 1h"
        );
        assert_eq!(duration(90_000), "1day 1h");
    }
}
