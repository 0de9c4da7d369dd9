//! The Access Token contestants: signing and verifying a typical Voice token, and the floor of
//! its own signing input.

use std::hint::black_box;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{
    access_token, AccessPolicy, ApiKey, AppSid, Identity, Token, VerifiedAccessToken, VideoGrant,
    VoiceGrant,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{ACCOUNT_SID, APP, ISSUED_AT, USER};

pub const API_KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
pub const API_KEY_SECRET: &str = "0123456789abcdef0123456789abcdef";

pub struct AccessContestants {
    pub key: ApiKey,
    policy: AccessPolicy,
    token: Token,
    signing_input: String,
    /// The signing input of the per-user token of [`USER`](super::USER), for its floor.
    per_user_input: String,
    floor: Hmac<Sha256>,
}

/// A token server's Access Token policy: the user who asks as an `{expr}` value.
pub fn per_user_policy(identity: Identity) -> Result<AccessPolicy, capability::Error> {
    access_token! {
        identity {identity};
        voice { incoming; outgoing {APP} };
        video;
        ttl 1h;
    }
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
        let per_user = per_user_policy(Identity::new(USER).unwrap())
            .unwrap()
            .sign_at(&key, ISSUED_AT);
        let per_user_builder = AccessPolicy::builder()
            .identity(Identity::new(USER).unwrap())
            .voice(
                VoiceGrant::new()
                    .incoming()
                    .outgoing(APP, std::iter::empty::<(&str, &str)>()),
            )
            .video(VideoGrant::new())
            .build()
            .unwrap();
        // The same job as the builder's: the same bytes, and the token verifies.
        assert_eq!(per_user, per_user_builder.sign_at(&key, ISSUED_AT));
        assert!(key.verify_at(per_user.as_str(), ISSUED_AT + 1).is_ok());
        let per_user_input = per_user.as_str().rsplit_once('.').unwrap().0.to_owned();
        let floor = Hmac::<Sha256>::new_from_slice(API_KEY_SECRET.as_bytes()).unwrap();
        Self {
            key,
            policy,
            token,
            signing_input,
            per_user_input,
            floor,
        }
    }

    /// `sign_at` of the builder policy.
    pub fn sign(&self) -> Token {
        black_box(&self.policy).sign_at(black_box(&self.key), black_box(ISSUED_AT))
    }

    /// A token server's request: the identity checked, the per-user `access_token!` policy
    /// made, and signed.
    pub fn per_user(&self) -> Token {
        let identity = Identity::new(black_box(USER)).unwrap();
        per_user_policy(identity)
            .unwrap()
            .sign_at(black_box(&self.key), black_box(ISSUED_AT))
    }

    /// The floor of the per-user token.
    pub fn per_user_floor(&self) -> [u8; 43] {
        let mut mac = self.floor.clone();
        mac.update(black_box(self.per_user_input.as_bytes()));
        let mut out = [0u8; 43];
        URL_SAFE_NO_PAD
            .encode_slice(mac.finalize().into_bytes(), &mut out)
            .unwrap();
        out
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
