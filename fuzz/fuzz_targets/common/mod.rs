//! What both fuzz targets check and how they sign. `verify_at` and `inspect_at` are compared by
//! the integration tests' own functions (`capability-runtime/tests/common`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability_runtime::Error;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Every error renders, escaped and bounded: untrusted text is cut to 64 characters.
pub fn check_message(e: &Error) {
    let text = e.to_string();
    assert!(text.len() < 1024, "a {} byte message: {text}", text.len());
    assert!(
        !text.contains(['\n', '\r', '\u{1b}']),
        "unescaped control character: {text:?}"
    );
}

/// base64url(header) . base64url(payload) . base64url(HMAC-SHA256 with `secret`)
pub fn sign(secret: &str, header: &[u8], payload: &[u8]) -> String {
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(mac.finalize().into_bytes(), &mut token);
    token
}

#[path = "../../../capability-runtime/tests/common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod runtime_tests;

#[allow(unused_imports)] // each target uses one
pub use runtime_tests::{access_disagreement, capability_disagreement};
