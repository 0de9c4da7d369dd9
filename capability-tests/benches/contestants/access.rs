//! The Access Token contestants: signing and verifying a typical Voice token, and the floor of
//! its own signing input.

use std::hint::black_box;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{AccessPolicy, ApiKey, AppSid, Identity, Token, VerifiedAccessToken, VoiceGrant};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{ACCOUNT_SID, ISSUED_AT};

pub const API_KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
pub const API_KEY_SECRET: &str = "0123456789abcdef0123456789abcdef";

pub struct AccessContestants {
    pub key: ApiKey,
    policy: AccessPolicy,
    token: Token,
    signing_input: String,
    floor: Hmac<Sha256>,
}

impl AccessContestants {
    /// The policy `capability!`'s benchmark policy migrates to: identity `Alice`, incoming
    /// calls, outgoing calls through an application with one parameter, 600 s.
    pub fn new() -> Self {
        let key = ApiKey::new(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET).unwrap();
        let policy = AccessPolicy::builder()
            .identity(Identity::new("Alice").unwrap())
            .voice(VoiceGrant::new().incoming().outgoing(
                AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
                [("Foo", "Bar")],
            ))
            .ttl(Duration::from_secs(600))
            .build()
            .unwrap();
        let token = policy.sign_at(&key, ISSUED_AT);
        let verified = key.verify_at(token.as_str(), ISSUED_AT + 1).unwrap();
        assert_eq!(verified.grants(), policy.grants());
        let signing_input = token.as_str().rsplit_once('.').unwrap().0.to_owned();
        let floor = Hmac::<Sha256>::new_from_slice(API_KEY_SECRET.as_bytes()).unwrap();
        Self {
            key,
            policy,
            token,
            signing_input,
            floor,
        }
    }

    /// `sign_at` of the builder policy.
    pub fn sign(&self) -> Token {
        black_box(&self.policy).sign_at(black_box(&self.key), black_box(ISSUED_AT))
    }

    /// `verify_at` of that token.
    pub fn verify(&self) -> VerifiedAccessToken {
        self.key
            .verify_at(black_box(self.token.as_str()), black_box(ISSUED_AT + 1))
            .unwrap()
    }

    /// The floor: HMAC-SHA256 of the token's signing input with a pre-keyed HMAC cloned per
    /// call, and base64url of the tag.
    pub fn floor(&self) -> [u8; 43] {
        let mut mac = self.floor.clone();
        mac.update(black_box(self.signing_input.as_bytes()));
        let mut out = [0u8; 43];
        URL_SAFE_NO_PAD
            .encode_slice(mac.finalize().into_bytes(), &mut out)
            .unwrap();
        out
    }

    /// The token, for the allocation and size figures.
    pub fn token(&self) -> &Token {
        &self.token
    }
}
