//! The reference encoding of an Access Token's header and claims: twilio-php's bytes
//! (`AccessToken::toJWT`, PHP `json_encode` without flags).
//!
//! This is the one implementation: the builder calls it at run time and `access_token!` at
//! compile time, so both give the same bytes. Its reading side is `decode.rs`.
//!
//! An Access Token's payload is
//!
//! ```text
//! {"jti":"<key>-<now>","iss":"<key>","sub":"<account>","exp":<exp>,"grants":{…}[,"nbf":<nbf>]}
//! ```
//!
//! Everything from `,"grants":` on depends on the policy alone: its *tail*, encoded here once
//! per policy. What comes before depends on the key and the time and is encoded by `sign_at`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::access::grants::{AccessGrants, ServiceFields};
use crate::access::region::{Region, MAX_REGION_LEN};
use crate::identity::Identity;
use crate::kinds::GrantKind;
use crate::limits::{b64_len, TAG_B64_LEN};
use crate::params::Params;

/// `{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"`: twilio-php's header up to the region.
pub(crate) const HEADER_HEAD: &str = r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1""#;

/// The base64url of the first 48 bytes of [`HEADER_HEAD`]: the first 64 bytes of the signing
/// input of every token we sign, one SHA-256 block.
#[cfg(feature = "jwt")]
pub(crate) const HEADER_BLOCK_B64: &str =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0x";

const HEX: &[u8; 16] = b"0123456789abcdef";

/// One character as PHP's `json_encode` writes it without flags: `"`, `\` and `/` escaped,
/// `\b \f \n \r \t` short, other control characters below U+0020 and every non-ASCII
/// character as `\uXXXX` in lowercase hex (astral characters as a surrogate pair). DEL (U+007F)
/// is written as is.
///
/// The one statement of the rule: [`push_json_str`], the templates' writer and the `const`
/// check of a compile-time policy all take a character's bytes from here.
#[derive(Clone, Copy)]
pub(crate) struct JsonChar {
    bytes: [u8; 12],
    len: usize,
}

impl JsonChar {
    /// The JSON text of `c`.
    #[inline]
    pub(crate) const fn of(c: char) -> JsonChar {
        let mut bytes = [0u8; 12];
        let short = match c {
            '"' => b'"',
            '\\' => b'\\',
            '/' => b'/',
            '\u{8}' => b'b',
            '\u{c}' => b'f',
            '\n' => b'n',
            '\r' => b'r',
            '\t' => b't',
            ' '..='\u{7f}' => {
                bytes[0] = c as u8;
                return JsonChar { bytes, len: 1 };
            }
            _ => 0,
        };
        if short != 0 {
            bytes[0] = b'\\';
            bytes[1] = short;
            return JsonChar { bytes, len: 2 };
        }
        let code = c as u32;
        let (units, n) = match code.checked_sub(0x1_0000) {
            Some(v) => ([0xD800 | v >> 10, 0xDC00 | (v & 0x3FF)], 2),
            None => ([code, 0], 1),
        };
        let mut i = 0;
        while i < n {
            let unit = units[i];
            let at = 6 * i;
            bytes[at] = b'\\';
            bytes[at + 1] = b'u';
            let mut k = 0;
            while k < 4 {
                bytes[at + 2 + k] = HEX[((unit >> (12 - 4 * k)) & 0xF) as usize];
                k += 1;
            }
            i += 1;
        }
        JsonChar { bytes, len: 6 * n }
    }

    /// Its bytes.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Its length.
    #[inline]
    pub(crate) const fn len(&self) -> usize {
        self.len
    }
}

/// Appends `s` as a JSON string, escaped as PHP's `json_encode` does ([`JsonChar`]).
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        let json = JsonChar::of(c);
        match json.len() {
            1 => out.push(c),
            _ => out.extend(json.as_bytes().iter().map(|&b| char::from(b))),
        }
    }
    out.push('"');
}

/// The base64url of the header without a region.
#[cfg(feature = "jwt")]
pub(crate) fn header_b64_without_region() -> String {
    b64(&header(None))
}

/// The header: `{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"[,"twr":"<region>"]}`.
pub(crate) fn header(region: Option<&Region>) -> String {
    let mut out = String::from(HEADER_HEAD);
    if let Some(region) = region {
        out.push_str(",\"twr\":");
        push_json_str(&mut out, region.as_str());
    }
    out.push('}');
    out
}

/// Appends `,"key":` (or `"key":` for the first member of an object).
fn key(out: &mut String, first: &mut bool, key: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    push_json_str(out, key);
    out.push(':');
}

/// Appends `"key":"value"` when there is a value.
fn field(out: &mut String, first: &mut bool, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        key(out, first, name);
        push_json_str(out, value);
    }
}

fn params_json(out: &mut String, params: &Params) {
    out.push('{');
    let mut first = true;
    for (k, v) in params {
        key(out, &mut first, k);
        push_json_str(out, v);
    }
    out.push('}');
}

fn service_json(out: &mut String, f: &ServiceFields) {
    out.push('{');
    let first = &mut true;
    field(
        out,
        first,
        "service_sid",
        f.service.as_ref().map(|s| s.as_str()),
    );
    field(out, first, "endpoint_id", f.endpoint.as_deref());
    field(
        out,
        first,
        "deployment_role_sid",
        f.deployment_role.as_ref().map(|s| s.as_str()),
    );
    field(
        out,
        first,
        "push_credential_sid",
        f.push_credential.as_ref().map(|s| s.as_str()),
    );
    out.push('}');
}

/// The value of one grant, in twilio-php's field order.
fn grant_json(out: &mut String, grants: &AccessGrants, kind: GrantKind) {
    match kind {
        GrantKind::Voice => {
            let Some(voice) = &grants.voice else {
                return out.push_str("{}");
            };
            out.push('{');
            let first = &mut true;
            if voice.incoming_allowed() {
                key(out, first, "incoming");
                out.push_str("{\"allow\":true}");
            }
            if let Some(app) = voice.outgoing_application() {
                key(out, first, "outgoing");
                out.push('{');
                let inner = &mut true;
                field(out, inner, "application_sid", Some(app.app_sid().as_str()));
                // twilio-php leaves out empty parameters.
                if !app.params().is_empty() {
                    key(out, inner, "params");
                    params_json(out, app.params());
                }
                out.push('}');
            }
            field(
                out,
                first,
                "push_credential_sid",
                voice.push_credential_sid().map(|s| s.as_str()),
            );
            field(out, first, "endpoint_id", voice.endpoint_id());
            out.push('}');
        }
        GrantKind::Video => {
            out.push('{');
            let room = grants.video.as_ref().and_then(|v| v.room_name());
            field(out, &mut true, "room", room);
            out.push('}');
        }
        GrantKind::Chat => match &grants.chat {
            Some(chat) => service_json(out, chat.fields()),
            None => out.push_str("{}"),
        },
        GrantKind::Sync => match &grants.sync {
            Some(sync) => service_json(out, sync.fields()),
            None => out.push_str("{}"),
        },
        GrantKind::TaskRouter => {
            out.push('{');
            let first = &mut true;
            if let Some(t) = &grants.task_router {
                field(
                    out,
                    first,
                    "workspace_sid",
                    t.workspace_sid().map(|s| s.as_str()),
                );
                field(out, first, "worker_sid", t.worker_sid().map(|s| s.as_str()));
                field(out, first, "role", t.role_name());
            }
            out.push('}');
        }
        GrantKind::Playback => match &grants.playback {
            Some(p) => out.push_str(p.as_json()),
            None => out.push_str("{}"),
        },
    }
}

/// The payload from `,"grants":` to its end: `,"grants":{"identity":…,<grants>}[,"nbf":N]}`.
pub(crate) fn claims_tail(
    identity: &Identity,
    grants: &AccessGrants,
    not_before: Option<u64>,
) -> String {
    let mut out = String::from(",\"grants\":{\"identity\":");
    push_json_str(&mut out, identity.as_str());
    for &kind in grants.kinds() {
        out.push(',');
        push_json_str(&mut out, kind.key());
        out.push(':');
        grant_json(&mut out, grants, kind);
    }
    out.push('}');
    if let Some(nbf) = not_before {
        out.push_str(",\"nbf\":");
        out.push_str(&nbf.to_string());
    }
    out.push('}');
    out
}

pub(crate) use mirror::{encodes_header, encodes_tail};

/// The `const` mirror of this encoder: whether a text is what it writes, for the policies
/// `access_token!` embeds. It walks the same structure in the same order, with the escaping of
/// [`JsonChar`].
mod mirror {
    use super::{JsonChar, HEADER_HEAD, MAX_REGION_LEN};
    use crate::access::statics::{StaticAccessPolicy, StaticServiceGrant};
    use crate::embedded::{char_at, is_b64_of, joined, same};
    use crate::kinds::GrantKind;

    /// Whether `tail` is [`claims_tail`] of the static policy `p`, byte for byte: the `const`
    /// mirror of the encoder, which `access_token!`'s rebuilt policies are checked with, walking the
    /// same structure in the same order.
    pub(crate) const fn encodes_tail(tail: &str, p: &StaticAccessPolicy) -> bool {
        let t = tail.as_bytes();
        let mut at = same(t, 0, b",\"grants\":{\"identity\":");
        at = json(t, at, p.identity);
        let mut i = 0;
        while i < p.order.len() {
            let kind = p.order[i];
            at = same(t, at, b",");
            at = json(t, at, kind.key());
            at = same(t, at, b":");
            at = grant(t, at, p, kind);
            i += 1;
        }
        at = same(t, at, b"}");
        if let Some(nbf) = p.not_before {
            at = same(t, at, b",\"nbf\":");
            at = digits(t, at, nbf);
        }
        same(t, at, b"}") == t.len()
    }

    /// `t` at `at` is the JSON string of `s`.
    const fn json(t: &[u8], mut at: usize, s: &str) -> usize {
        at = same(t, at, b"\"");
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() {
            let (c, len) = char_at(s, i);
            let c = JsonChar::of(c);
            at = same(t, at, c.bytes.split_at(c.len).0);
            i += len;
        }
        same(t, at, b"\"")
    }

    /// `t` at `at` is `nbf` in decimal.
    const fn digits(t: &[u8], at: usize, nbf: u64) -> usize {
        let (mut buf, mut start, mut n) = ([0u8; 20], 20, nbf);
        loop {
            start -= 1;
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        same(t, at, buf.split_at(start).1)
    }

    /// `t` at `at` is the member `"name":"value"` when there is a value, after a `,` unless it is
    /// the first of its object.
    const fn field(
        t: &[u8],
        mut at: usize,
        first: &mut bool,
        name: &str,
        value: Option<&str>,
    ) -> usize {
        let Some(value) = value else {
            return at;
        };
        if !*first {
            at = same(t, at, b",");
        }
        *first = false;
        at = json(t, at, name);
        at = same(t, at, b":");
        json(t, at, value)
    }

    /// `t` at `at` is the object of a chat or sync grant.
    const fn service(t: &[u8], mut at: usize, g: &StaticServiceGrant) -> usize {
        let first = &mut true;
        at = same(t, at, b"{");
        at = field(t, at, first, "service_sid", g.service_sid);
        at = field(t, at, first, "endpoint_id", g.endpoint_id);
        at = field(t, at, first, "deployment_role_sid", g.deployment_role_sid);
        at = field(t, at, first, "push_credential_sid", g.push_credential_sid);
        same(t, at, b"}")
    }

    /// `t` at `at` is the value of the grant `kind` of `p` (see `grant_json`).
    const fn grant(t: &[u8], mut at: usize, p: &StaticAccessPolicy, kind: GrantKind) -> usize {
        match kind {
            GrantKind::Voice => {
                let Some(voice) = &p.voice else {
                    return same(t, at, b"{}");
                };
                let first = &mut true;
                at = same(t, at, b"{");
                if voice.incoming {
                    at = same(t, at, b"\"incoming\":{\"allow\":true}");
                    *first = false;
                }
                if let Some((app_sid, params)) = voice.outgoing {
                    if !*first {
                        at = same(t, at, b",");
                    }
                    *first = false;
                    at = same(t, at, b"\"outgoing\":{");
                    at = field(t, at, &mut true, "application_sid", Some(app_sid));
                    if !params.is_empty() {
                        at = same(t, at, b",\"params\":{");
                        let mut i = 0;
                        while i < params.len() {
                            if i > 0 {
                                at = same(t, at, b",");
                            }
                            at = json(t, at, params[i].0);
                            at = same(t, at, b":");
                            at = json(t, at, params[i].1);
                            i += 1;
                        }
                        at = same(t, at, b"}");
                    }
                    at = same(t, at, b"}");
                }
                at = field(
                    t,
                    at,
                    first,
                    "push_credential_sid",
                    voice.push_credential_sid,
                );
                at = field(t, at, first, "endpoint_id", voice.endpoint_id);
                same(t, at, b"}")
            }
            GrantKind::Video => {
                let room = match &p.video {
                    Some(video) => video.room,
                    None => None,
                };
                at = same(t, at, b"{");
                at = field(t, at, &mut true, "room", room);
                same(t, at, b"}")
            }
            GrantKind::Chat | GrantKind::Sync => {
                let g = match kind {
                    GrantKind::Chat => &p.chat,
                    _ => &p.sync,
                };
                match g {
                    Some(g) => service(t, at, g),
                    None => same(t, at, b"{}"),
                }
            }
            GrantKind::TaskRouter => {
                at = same(t, at, b"{");
                if let Some(g) = &p.task_router {
                    let first = &mut true;
                    at = field(t, at, first, "workspace_sid", g.workspace_sid);
                    at = field(t, at, first, "worker_sid", g.worker_sid);
                    at = field(t, at, first, "role", g.role);
                }
                same(t, at, b"}")
            }
            // A static policy has no playback grant: its rebuilt grants hold none.
            GrantKind::Playback => same(t, at, b"{}"),
        }
    }

    /// Whether `header_b64` is the base64url of [`header`] for `region`.
    pub(crate) const fn encodes_header(header_b64: &str, region: Option<&str>) -> bool {
        const MAX: usize = HEADER_HEAD.len() + r#","twr":""}"#.len() + MAX_REGION_LEN;
        let parts: [&[u8]; 4] = match region {
            Some(region) => [
                HEADER_HEAD.as_bytes(),
                b",\"twr\":\"",
                region.as_bytes(),
                b"\"}",
            ],
            None => [HEADER_HEAD.as_bytes(), b"}", b"", b""],
        };
        match joined::<MAX>(&parts) {
            Some((text, len)) => is_b64_of(text.split_at(len).0, header_b64.as_bytes()),
            None => false,
        }
    }
}

/// The base64url of `tail[shift..]` for each `shift` of 0, 1 and 2: whatever the length of the
/// payload before the tail, `sign_at` encodes its last 0 to 2 bytes together with the first
/// `shift` bytes of the tail and appends `tail_b64[shift]`.
pub(crate) fn tail_b64(tail: &str) -> [String; 3] {
    [0, 1, 2].map(|shift| URL_SAFE_NO_PAD.encode(&tail.as_bytes()[shift.min(tail.len())..]))
}

/// The base64url of a text.
pub(crate) fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// The length of the longest token of a policy whose header's base64url is `header_b64_len`
/// long and whose claims' tail is `tail_len`: what the size limit is checked on.
pub(crate) const fn token_len(header_b64_len: usize, tail_len: usize) -> usize {
    header_b64_len + 1 + b64_len(PAYLOAD_HEAD_MAX + tail_len) + 1 + TAG_B64_LEN
}

/// The length of the payload before the tail, at most: `{"jti":"` + key SID + `-` + 20 digits
/// + `","iss":"` + key SID + `","sub":"` + Account SID + `","exp":` + 16 digits.
pub(crate) const PAYLOAD_HEAD_MAX: usize = 8 + 34 + 1 + 20 + 9 + 34 + 9 + 34 + 8 + 16;

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut out = String::new();
        push_json_str(&mut out, s);
        out
    }

    #[test]
    fn escapes_as_php_json_encode() {
        // The spec's probe string, with php's observed output.
        assert_eq!(
            json("\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}\"\\/<>&'é😀\u{2028}"),
            r#""\b\f\n\r\t\u0001\u001f"#.to_owned()
                + "\u{7f}"
                + r#"\"\\\/<>&'\u00e9\ud83d\ude00\u2028""#
        );
        assert_eq!(json("用户☃"), r#""\u7528\u6237\u2603""#);
        assert_eq!(json(""), r#""""#);
        assert_eq!(json("\u{ffff}\u{10000}"), r#""\uffff\ud800\udc00""#);
    }

    #[test]
    fn header_is_php_s() {
        assert_eq!(
            header(None),
            r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#
        );
        assert_eq!(
            header(Some(&Region::from_static("ie1"))),
            r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1","twr":"ie1"}"#
        );
        #[cfg(feature = "jwt")]
        assert_eq!(b64(&HEADER_HEAD[..48]), HEADER_BLOCK_B64);
    }

    #[test]
    fn tails_cover_every_shift() {
        let tail = claims_tail(&Identity::from_static("a"), &AccessGrants::empty(), Some(5));
        assert_eq!(tail, r#","grants":{"identity":"a"},"nbf":5}"#);
        let b64s = tail_b64(&tail);
        for (shift, b) in b64s.iter().enumerate() {
            assert_eq!(*b, b64(&tail[shift..]));
        }
    }
}
