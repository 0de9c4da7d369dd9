//! The `scope` claim: scope URIs separated by single spaces, written as twilio-php writes them and
//! read back whichever official library wrote them.
//!
//! ```text
//! scope:client:incoming?clientName=<name>
//! scope:client:outgoing?appSid=<AP…>&appParams=<params>[&clientName=<name>]
//! scope:stream:subscribe?path=%2F2010-04-01%2FEvents&params=<params>
//! ```
//!
//! `<params>` is `k1=v1&k2=v2…` with each key and value url-encoded, then url-encoded again as one
//! value. Writing is the one implementation: the builder calls it at run time and `capability!` at
//! compile time, so both give the same bytes. Reading (with the `jwt` feature) is form decoding:
//! `+` and `%20` are spaces, hex may be either case, parameters come in any order, and safe
//! characters may be left unencoded. twilio-node's `appParams` on the event scope is read as
//! `params`.

use crate::capability::grants::{Events, Grants, Outgoing};
use crate::client_name::ClientName;
use crate::embedded::{same, NO};
use crate::kinds::ScopeKind;
use crate::params::Params;

/// The event stream every `events` grant subscribes to.
pub(crate) const EVENTS_PATH: &str = "/2010-04-01/Events";

/// The scope URI names of the three grants.
pub(crate) const INCOMING: &str = "scope:client:incoming";
pub(crate) const OUTGOING: &str = "scope:client:outgoing";
pub(crate) const EVENTS: &str = "scope:stream:subscribe";

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The encoding of one byte: at most `N` ASCII bytes.
#[derive(Clone, Copy)]
pub(crate) struct Encoded<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Encoded<N> {
    /// Its bytes.
    pub(crate) const fn as_bytes(&self) -> &[u8] {
        self.bytes.split_at(self.len).0
    }
}

/// PHP's `urlencode` of the byte `b`: `A-Z a-z 0-9 - _ .` stay, a space becomes `+`, every other
/// byte `%XX` in upper-case hex. The one statement of the rule: the encoder, its `const` check
/// and the templates' writer take a byte's encoding from here.
pub(crate) const fn urlencoded(b: u8) -> Encoded<3> {
    match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => Encoded {
            bytes: [b, 0, 0],
            len: 1,
        },
        b' ' => Encoded {
            bytes: [b'+', 0, 0],
            len: 1,
        },
        _ => Encoded {
            bytes: [b'%', HEX[(b >> 4) as usize], HEX[(b & 0xF) as usize]],
            len: 3,
        },
    }
}

/// The `urlencode` of the `urlencode` of the byte `b`, as parameters are encoded in a scope: `+`
/// for a space becomes `%2B`, `%XX` becomes `%25XX`.
pub(crate) const fn twice_urlencoded(b: u8) -> Encoded<5> {
    let once = urlencoded(b);
    let mut twice = Encoded {
        bytes: [0; 5],
        len: 0,
    };
    let mut i = 0;
    while i < once.len {
        let again = urlencoded(once.bytes[i]);
        let mut k = 0;
        while k < again.len {
            twice.bytes[twice.len] = again.bytes[k];
            twice.len += 1;
            k += 1;
        }
        i += 1;
    }
    twice
}

/// PHP's `urlencode` of the UTF-8 bytes of `s`, appended to `out` ([`urlencoded`]).
pub(crate) fn urlencode_into(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        out.extend(urlencoded(b).as_bytes().iter().map(|&c| char::from(c)));
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
    out.push_str(INCOMING);
    out.push_str("?clientName=");
    urlencode_into(out, name.as_str());
}

/// `scope:client:outgoing?appSid=…&appParams=…[&clientName=…]`
fn outgoing_into(out: &mut String, outgoing: &Outgoing) {
    out.push_str(OUTGOING);
    out.push_str("?appSid=");
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
    out.push_str(EVENTS);
    out.push_str("?path=");
    urlencode_into(out, EVENTS_PATH);
    out.push_str("&params=");
    params_into(out, events.filters());
}

// The same encoding, compared with a text instead of written, in `const` context: what a policy
// of literals embeds is checked against its grants when it is rebuilt (`Policy::from_static`).
// Each function compares the encoding from `at` on and returns where it ends, or `NO`.

/// `text` at `at` is PHP's `urlencode` of the byte `b` ([`urlencoded`]).
const fn encoded_byte(text: &[u8], at: usize, b: u8) -> usize {
    same(text, at, urlencoded(b).as_bytes())
}

/// `text` at `at` is the `urlencode` of the `urlencode` of the byte `b` ([`twice_urlencoded`]).
const fn twice_encoded_byte(text: &[u8], at: usize, b: u8) -> usize {
    same(text, at, twice_urlencoded(b).as_bytes())
}

/// `text` at `at` is the `urlencode` of `s`.
const fn encoded(text: &[u8], mut at: usize, s: &[u8]) -> usize {
    let mut i = 0;
    while i < s.len() {
        at = encoded_byte(text, at, s[i]);
        i += 1;
    }
    at
}

/// `text` at `at` is the double encoding of `pairs` (see [`params_into`]).
const fn encoded_params(text: &[u8], mut at: usize, pairs: &[(&str, &str)]) -> usize {
    let mut i = 0;
    while i < pairs.len() {
        if i > 0 {
            at = encoded_byte(text, at, b'&');
        }
        let (key, value) = (pairs[i].0.as_bytes(), pairs[i].1.as_bytes());
        let mut j = 0;
        while j < key.len() {
            at = twice_encoded_byte(text, at, key[j]);
            j += 1;
        }
        at = encoded_byte(text, at, b'=');
        let mut j = 0;
        while j < value.len() {
            at = twice_encoded_byte(text, at, value[j]);
            j += 1;
        }
        i += 1;
    }
    at
}

/// Key–value pairs written as literals.
pub(crate) type LiteralPairs<'a> = &'a [(&'a str, &'a str)];

/// The grants of a policy of literals, as `capability!` embeds them.
pub(crate) struct LiteralGrants<'a> {
    pub(crate) incoming: Option<&'a str>,
    /// The Application SID, the parameters, and the client name the outgoing scope carries.
    pub(crate) outgoing: Option<(&'a str, LiteralPairs<'a>, Option<&'a str>)>,
    pub(crate) events: Option<LiteralPairs<'a>>,
}

/// Whether `scope` is the `scope` claim [`encode`] writes for `grants`: each granted scope's URI
/// once, in any order, separated by single spaces, and nothing else.
pub(crate) const fn encodes(scope: &str, grants: &LiteralGrants<'_>) -> bool {
    let text = scope.as_bytes();
    if text.is_empty() {
        return grants.incoming.is_none() && grants.outgoing.is_none() && grants.events.is_none();
    }
    let (mut at, mut seen) = (0, [false; 3]);
    let mut found = 0;
    while at < text.len() {
        if found > 0 {
            at = same(text, at, b" ");
        }
        let incoming = same(text, at, INCOMING.as_bytes());
        let outgoing = same(text, at, OUTGOING.as_bytes());
        let events = same(text, at, EVENTS.as_bytes());
        at = match (incoming, outgoing, events, grants) {
            (NO, NO, NO, _) => return false,
            (
                end,
                _,
                _,
                LiteralGrants {
                    incoming: Some(name),
                    ..
                },
            ) if end != NO && !seen[0] => {
                seen[0] = true;
                encoded(text, same(text, end, b"?clientName="), name.as_bytes())
            }
            (
                _,
                end,
                _,
                LiteralGrants {
                    outgoing: Some((sid, params, name)),
                    ..
                },
            ) if end != NO && !seen[1] => {
                seen[1] = true;
                let at = encoded(text, same(text, end, b"?appSid="), sid.as_bytes());
                let at = encoded_params(text, same(text, at, b"&appParams="), params);
                match name {
                    Some(name) => encoded(text, same(text, at, b"&clientName="), name.as_bytes()),
                    None => at,
                }
            }
            (
                _,
                _,
                end,
                LiteralGrants {
                    events: Some(filters),
                    ..
                },
            ) if end != NO && !seen[2] => {
                seen[2] = true;
                let at = encoded(text, same(text, end, b"?path="), EVENTS_PATH.as_bytes());
                encoded_params(text, same(text, at, b"&params="), filters)
            }
            _ => return false,
        };
        if at == NO {
            return false;
        }
        found += 1;
    }
    seen[0] == grants.incoming.is_some()
        && seen[1] == grants.outgoing.is_some()
        && seen[2] == grants.events.is_some()
}

/// The `scope` claim: the scope URIs of `grants` in `order`, joined by single spaces.
pub(crate) fn encode(grants: &Grants, order: &[ScopeKind]) -> String {
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

#[cfg(feature = "jwt")]
pub(crate) use decode::decode;
#[cfg(all(test, feature = "jwt"))]
pub(crate) use decode::tests::single_edits;

/// Reading the claim back into [`Grants`].
#[cfg(feature = "jwt")]
mod decode;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sid::AppSid;

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
}
