//! Tokens crafted by hand for the tests: any header and payload, validly signed with `SECRET`, so
//! that a test reaches the check that comes after the signature. `access` builds Access Token
//! policies from the vectors' inputs; `ordered` reads JSON keeping the order of members.
#![allow(dead_code)] // each test crate uses a part

pub mod access;
pub mod ordered;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The auth token of the reference vectors.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";
/// The account of the reference vectors.
pub const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// Unpadded base64url.
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url.
pub fn b64_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// `header.payload.` and a valid HMAC-SHA256 of exactly these segment texts, whatever they
/// contain: the segments are signed as given, not re-encoded.
pub fn sign_segments(header: &str, payload: &str) -> String {
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", b64(mac.finalize().into_bytes()))
}

/// A validly signed token of these exact JSON texts.
pub fn sign_json(header: &str, payload: &str) -> String {
    sign_segments(&b64(header), &b64(payload))
}
