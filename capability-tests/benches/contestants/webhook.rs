//! The webhook contestants: validating a typical Voice webhook (20 parameters, about 1 KB,
//! signed by Twilio on the URL as configured), and its floor: one HMAC-SHA1, keyed beforehand and
//! cloned, over its signed string, plus the base64 of the tag.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use capability::webhook::{AuthToken, FormParams, Request, Validated, Validator};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// The Voice URL as configured in the Twilio Console: no port, so the first URL tried matches.
pub const URL: &str = "https://abc.ngrok.app/voice";

/// The call token Twilio adds to a Voice SDK call (URL-encoded JSON around a JWT): its length is
/// that of real ones, its content made up.
const CALL_TOKEN: &str = "%7B%22parentCallInfoToken%22%3A%22eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InZvaWNlLWNhbGwtaW5mbyJ9.eyJpc3MiOiJ0d2lsaW8iLCJzdWIiOiJBQzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwiY2FsbFNpZCI6IkNBMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJmcm9tIjoiY2xpZW50OmFsaWNlIiwidG8iOiIrMTU1NTEyMzQ1NjciLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMH0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl%22%2C%22identityHeaderTokens%22%3A%5B%5D%7D";

/// The parameters of an outgoing call from a Voice SDK device through a TwiML application, as
/// Twilio posts them, plus the device's own parameter `To`.
const PARAMS: [(&str, &str); 20] = [
    ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
    ("ApiVersion", "2010-04-01"),
    ("ApplicationSid", "AP0123456789abcdef0123456789abcdef"),
    ("CallSid", "CA0123456789abcdef0123456789abcdef"),
    ("CallStatus", "ringing"),
    ("CallToken", CALL_TOKEN),
    ("Called", ""),
    ("CalledCity", ""),
    ("CalledCountry", "US"),
    ("CalledState", "CA"),
    ("CalledZip", ""),
    ("Caller", "client:alice"),
    ("CallerCity", ""),
    ("CallerCountry", "US"),
    ("CallerName", "Alice Example"),
    ("CallerState", "CA"),
    ("Direction", "inbound"),
    ("From", "client:alice"),
    ("StirVerstat", "TN-Validation-Passed-A"),
    ("To", "+15551234567"),
];

pub struct WebhookContestants {
    validator: Validator,
    params: FormParams,
    reversed: FormParams,
    body: Vec<u8>,
    signature: String,
    signed: String,
    floor: Hmac<Sha1>,
}

impl WebhookContestants {
    pub fn new() -> Self {
        let params = FormParams::from_pairs(PARAMS).unwrap();
        let token = AuthToken::new(AUTH_TOKEN).unwrap();
        let signature = token.sign(URL, &params).unwrap();
        let mut sorted = PARAMS.to_vec();
        sorted.sort();
        let signed: String = std::iter::once(URL.to_owned())
            .chain(sorted.iter().map(|(n, v)| format!("{n}{v}")))
            .collect();
        let body = PARAMS
            .iter()
            .map(|(n, v)| format!("{n}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes();
        assert_eq!(FormParams::from_form(&body).unwrap(), params);
        let reversed = FormParams::from_pairs(PARAMS.iter().rev().copied()).unwrap();
        let c = Self {
            validator: Validator::new(token),
            params,
            reversed,
            body,
            signature,
            signed,
            floor: Hmac::<Sha1>::new_from_slice(AUTH_TOKEN.as_bytes()).unwrap(),
        };
        assert_eq!(c.floor_signature(), c.signature.as_bytes());
        assert!(c.validate().is_some() && c.validate_unsorted().is_some());
        assert!(
            PARAMS.windows(2).all(|w| w[0] < w[1]),
            "sorted by name: the order the validator signs without sorting a copy"
        );
        c
    }

    /// The length of the signed string, in bytes.
    pub fn signed_len(&self) -> usize {
        self.signed.len()
    }

    /// The validator on the parsed parameters.
    pub fn validate(&self) -> Option<Validated> {
        let request = Request::form(URL, &self.params).signature(Some(&self.signature));
        self.validator.validate(&request).ok()
    }

    /// The validator on the same parameters in reverse order: they are sorted first.
    pub fn validate_unsorted(&self) -> Option<Validated> {
        let request = Request::form(URL, &self.reversed).signature(Some(&self.signature));
        self.validator.validate(&request).ok()
    }

    /// The form body read, then validated: what the layer does.
    pub fn read_and_validate(&self) -> Option<Validated> {
        let params = FormParams::from_form(&self.body).ok()?;
        let request = Request::form(URL, &params).signature(Some(&self.signature));
        self.validator.validate(&request).ok()
    }

    /// The floor: HMAC-SHA1 pre-keyed and cloned, over the signed string, and its base64.
    pub fn floor_signature(&self) -> [u8; 28] {
        let mut mac = self.floor.clone();
        mac.update(self.signed.as_bytes());
        let mut out = [0u8; 28];
        STANDARD
            .encode_slice(mac.finalize().into_bytes(), &mut out)
            .unwrap();
        out
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
