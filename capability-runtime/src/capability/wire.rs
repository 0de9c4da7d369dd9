//! The wire layout of a capability token, in one place: the header, the claims in the order
//! twilio-php writes them, the tag, and the base64url lengths that follow from them.
//!
//! ```text
//! base64url({"typ":"JWT","alg":"HS256"}) . base64url({"scope":"…","iss":"AC…","exp":N}) . base64url(tag)
//! ```
//!
//! Always compiled: the builder sizes its tokens from it even without the `jwt` feature.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::embedded::{is_b64_of, joined};
use crate::limits::{b64_len, MAX_EXP_DIGITS, MAX_TOKEN_LEN, TAG_B64_LEN};
use crate::sid::SID_LEN;

/// base64url of `{"typ":"JWT","alg":"HS256"}`, twilio-php's JOSE header, the one this library
/// signs with.
pub(crate) const HEADER_B64: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9";

/// The first 64 bytes, one SHA-256 block, of the signing input of every token this library and
/// twilio-php sign with an `incoming` or `outgoing` grant: [`HEADER_B64`], `.`, and the first 27
/// characters of the base64url of `{"scope":"scope:client:`.
#[cfg(feature = "jwt")]
pub(crate) const FIRST_BLOCK: &str =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6InNjb3BlOmNsaWV";

/// `{"scope":"` — the payload up to the scope.
pub(crate) const PAYLOAD_HEAD: &str = "{\"scope\":\"";
/// `","iss":"` — between the scope and the Account SID.
pub(crate) const PAYLOAD_ISS: &str = "\",\"iss\":\"";
/// `","exp":` — between the Account SID and the expiry.
pub(crate) const PAYLOAD_EXP: &str = "\",\"exp\":";
/// `}` — after the expiry.
pub(crate) const PAYLOAD_END: &str = "}";

/// The length of `{"scope":"<scope>","iss":"<sid>","exp":<exp>}` for a scope of `scope_len`
/// bytes and an expiry of `exp_digits` digits.
pub(crate) const fn payload_len(scope_len: usize, exp_digits: usize) -> usize {
    PAYLOAD_HEAD.len()
        + scope_len
        + PAYLOAD_ISS.len()
        + SID_LEN
        + PAYLOAD_EXP.len()
        + exp_digits
        + PAYLOAD_END.len()
}

/// The length of a token whose payload is `payload_len` bytes.
pub(crate) const fn token_len(payload_len: usize) -> usize {
    HEADER_B64.len() + 1 + b64_len(payload_len) + 1 + TAG_B64_LEN
}

/// The length of the longest token a policy with a `scope` claim of `scope_len` bytes signs: the
/// one with the longest expiry.
pub(crate) const fn max_token_len(scope_len: usize) -> usize {
    token_len(payload_len(scope_len, MAX_EXP_DIGITS))
}

/// How many bytes at the end of `{"scope":"<scope>","iss":"` do not fill a base64 quantum; they
/// are encoded at signing time together with the Account SID.
pub(crate) const fn payload_tail_len(scope_len: usize) -> usize {
    (PAYLOAD_HEAD.len() + scope_len + PAYLOAD_ISS.len()) % 3
}

/// The base64url of `{"scope":"<scope>","iss":"` up to the last whole 3-byte quantum.
///
/// The scope is made only of the characters the scope encoder emits (`A-Z a-z 0-9 - _ . + %`)
/// and the fixed `scope:…?=& ` text, none of which JSON escapes, so it is copied verbatim.
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

/// Whether `b64` is [`payload_prefix_b64`] of `scope`, compared in `const` context.
pub(crate) const fn is_payload_prefix_b64(scope: &str, b64: &str) -> bool {
    let parts = [
        PAYLOAD_HEAD.as_bytes(),
        scope.as_bytes(),
        PAYLOAD_ISS.as_bytes(),
    ];
    let Some((text, len)) = joined::<MAX_TOKEN_LEN>(&parts) else {
        return false;
    };
    let whole = len - payload_tail_len(scope.len());
    is_b64_of(text.split_at(whole).0, b64.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::MAX_EXP;

    #[test]
    fn the_headers_are_the_base64url_of_their_json() {
        assert_eq!(
            URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"HS256"}"#),
            HEADER_B64
        );
        assert_eq!(TAG_B64_LEN, URL_SAFE_NO_PAD.encode([0u8; 32]).len());
        #[cfg(feature = "jwt")]
        {
            let payload = URL_SAFE_NO_PAD.encode(r#"{"scope":"scope:client:"#);
            assert_eq!(FIRST_BLOCK, format!("{HEADER_B64}.{}", &payload[..27]));
            assert_eq!(FIRST_BLOCK.len(), 64);
        }
    }

    #[test]
    fn lengths_match_an_encoded_token() {
        const SID: &str = "AC0123456789abcdef0123456789abcdef";
        for scope in ["", "a", "ab", "scope:client:incoming?clientName=Alice"] {
            for exp in [0, 9, 10, 1_700_000_000, MAX_EXP] {
                let payload = format!(
                    "{PAYLOAD_HEAD}{scope}{PAYLOAD_ISS}{SID}{PAYLOAD_EXP}{exp}{PAYLOAD_END}"
                );
                let digits = exp.to_string().len();
                assert_eq!(payload_len(scope.len(), digits), payload.len());
                let token = format!(
                    "{HEADER_B64}.{}.{}",
                    URL_SAFE_NO_PAD.encode(&payload),
                    URL_SAFE_NO_PAD.encode([0u8; 32])
                );
                assert_eq!(token_len(payload.len()), token.len());
                assert!(max_token_len(scope.len()) >= token.len());
                if exp == MAX_EXP {
                    assert_eq!(max_token_len(scope.len()), token.len());
                }
            }
        }
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
