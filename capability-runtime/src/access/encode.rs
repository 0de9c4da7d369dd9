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
use crate::access::region::Region;
use crate::identity::Identity;
use crate::kinds::GrantKind;
use crate::params::Params;

/// `{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"`: twilio-php's header up to the region.
pub(crate) const HEADER_HEAD: &str = r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1""#;

/// The base64url of the first 48 bytes of [`HEADER_HEAD`]: the first 64 bytes of the signing
/// input of every token we sign, one SHA-256 block.
#[cfg(feature = "jwt")]
pub(crate) const HEADER_BLOCK_B64: &str =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0x";

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a JSON string, escaped as PHP's `json_encode` does without flags: `"`, `\`
/// and `/` escaped, `\b \f \n \r \t` short, other control characters below U+0020 and every
/// non-ASCII character as `\uXXXX` in lowercase hex (astral characters as a surrogate pair).
/// DEL (U+007F) is written as is.
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='\u{7f}' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for &unit in c.encode_utf16(&mut units).iter() {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(HEX[usize::from((unit >> shift) & 0xF)] as char);
                    }
                }
            }
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
