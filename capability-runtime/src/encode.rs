//! The reference encoding of the `scope` claim and the start of the payload: twilio-php's bytes.
//!
//! This is the one implementation: the builder calls it at run time and `capability!` at compile
//! time, so both give the same bytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::client_name::ClientName;
use crate::grants::{Events, Grants, Outgoing, Params, ScopeKind};

/// The event stream every `events` grant subscribes to.
pub(crate) const EVENTS_PATH: &str = "/2010-04-01/Events";

/// `{"scope":"` — the payload up to the scope.
pub(crate) const PAYLOAD_HEAD: &str = "{\"scope\":\"";
/// `","iss":"` — between the scope and the Account SID.
pub(crate) const PAYLOAD_ISS: &str = "\",\"iss\":\"";
/// `","exp":` — between the Account SID and the expiry.
#[cfg(feature = "jwt")]
pub(crate) const PAYLOAD_EXP: &str = "\",\"exp\":";

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// PHP's `urlencode` of the UTF-8 bytes of `s`, appended to `out`: `A-Z a-z 0-9 - _ .` stay,
/// a space becomes `+`, every other byte `%XX` in upper-case hex.
pub fn urlencode_into(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xF)] as char);
            }
        }
    }
}

/// `k1=v1&k2=v2…`, each key and value url-encoded, then url-encoded again as one value: the
/// double encoding of `appParams` and `params`.
fn params_into(out: &mut String, params: &Params) {
    let mut query = String::new();
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            query.push('&');
        }
        urlencode_into(&mut query, k);
        query.push('=');
        urlencode_into(&mut query, v);
    }
    urlencode_into(out, &query);
}

/// `scope:client:incoming?clientName=…`
fn incoming_into(out: &mut String, name: &ClientName) {
    out.push_str("scope:client:incoming?clientName=");
    urlencode_into(out, name.as_str());
}

/// `scope:client:outgoing?appSid=…&appParams=…[&clientName=…]`
fn outgoing_into(out: &mut String, outgoing: &Outgoing) {
    out.push_str("scope:client:outgoing?appSid=");
    urlencode_into(out, outgoing.app_sid().as_str());
    out.push_str("&appParams=");
    params_into(out, outgoing.params());
    if let Some(name) = outgoing.client_name() {
        out.push_str("&clientName=");
        urlencode_into(out, name.as_str());
    }
}

/// `scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=…`
fn events_into(out: &mut String, events: &Events) {
    out.push_str("scope:stream:subscribe?path=");
    urlencode_into(out, EVENTS_PATH);
    out.push_str("&params=");
    params_into(out, events.filters());
}

/// The `scope` claim: the scope URIs of `grants` in `order`, joined by single spaces.
pub(crate) fn scope(grants: &Grants, order: &[ScopeKind]) -> String {
    let mut out = String::new();
    for kind in order {
        if !out.is_empty() {
            out.push(' ');
        }
        match kind {
            ScopeKind::Incoming => {
                if let Some(name) = grants.incoming() {
                    incoming_into(&mut out, name);
                }
            }
            ScopeKind::Outgoing => {
                if let Some(outgoing) = grants.outgoing() {
                    outgoing_into(&mut out, outgoing);
                }
            }
            ScopeKind::Events => {
                if let Some(events) = grants.events() {
                    events_into(&mut out, events);
                }
            }
        }
    }
    out
}

/// How many bytes at the end of `{"scope":"<scope>","iss":"` do not fill a base64 quantum; they
/// are encoded at signing time together with the Account SID.
pub(crate) const fn payload_tail_len(scope_len: usize) -> usize {
    (PAYLOAD_HEAD.len() + scope_len + PAYLOAD_ISS.len()) % 3
}

/// The base64url of `{"scope":"<scope>","iss":"` up to the last whole 3-byte quantum.
///
/// The scope is made only of the characters `urlencode_into` emits (`A-Z a-z 0-9 - _ . + %`) and
/// the fixed `scope:…?=& ` text, none of which JSON escapes, so it is copied verbatim.
pub(crate) fn payload_prefix_b64(scope: &str) -> String {
    debug_assert!(scope.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
    debug_assert!(!scope.contains(['"', '\\', '/']));
    let mut prefix = String::with_capacity(PAYLOAD_HEAD.len() + scope.len() + PAYLOAD_ISS.len());
    prefix.push_str(PAYLOAD_HEAD);
    prefix.push_str(scope);
    prefix.push_str(PAYLOAD_ISS);
    let whole = prefix.len() - payload_tail_len(scope.len());
    URL_SAFE_NO_PAD.encode(&prefix.as_bytes()[..whole])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sid::AppSid;

    /// Builds the scope URI of one grant, for tests and error messages.
    fn outgoing_scope(app_sid: AppSid, params: Params, client_name: Option<ClientName>) -> String {
        let mut out = String::new();
        outgoing_into(&mut out, &Outgoing::new(app_sid, params, client_name));
        out
    }

    fn enc(s: &str) -> String {
        let mut out = String::new();
        urlencode_into(&mut out, s);
        out
    }

    #[test]
    fn urlencode_matches_php() {
        assert_eq!(enc("AZaz09-_."), "AZaz09-_.");
        assert_eq!(enc(" "), "+");
        assert_eq!(enc("~*/&=+%'\"!()"), "%7E%2A%2F%26%3D%2B%25%27%22%21%28%29");
        assert_eq!(enc("é"), "%C3%A9");
        assert_eq!(enc("😀"), "%F0%9F%98%80");
        assert_eq!(enc("\n\0"), "%0A%00");
        assert_eq!(enc(""), "");
    }

    #[test]
    fn params_are_double_encoded() {
        let sid = AppSid::from_static("APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        let scope = outgoing_scope(sid, Params::from_pairs([("Foo", "Bar")]), None);
        assert_eq!(
            scope,
            "scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&appParams=Foo%3DBar"
        );
        let scope = outgoing_scope(
            sid,
            Params::from_pairs([("a b", "c&d"), ("e", "")]),
            Some(ClientName::from_static("Al")),
        );
        assert_eq!(
            scope,
            "scope:client:outgoing?appSid=APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\
             &appParams=a%2Bb%3Dc%2526d%26e%3D&clientName=Al"
        );
    }

    #[test]
    fn prefix_and_tail_cover_the_payload_start() {
        for scope in [
            "",
            "a",
            "ab",
            "abc",
            "scope:client:incoming?clientName=Alice",
        ] {
            let tail = payload_tail_len(scope.len());
            let full = format!("{PAYLOAD_HEAD}{scope}{PAYLOAD_ISS}");
            assert_eq!((full.len() - tail) % 3, 0);
            assert_eq!(
                payload_prefix_b64(scope),
                URL_SAFE_NO_PAD.encode(&full.as_bytes()[..full.len() - tail])
            );
        }
    }
}
