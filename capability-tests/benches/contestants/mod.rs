//! The contestants of the performance benchmarks, set up once for both
//! (`tokens.rs`, criterion; `interleaved.rs`, ratios). Each method is one call, inputs behind
//! `black_box`.
#![allow(dead_code)] // each benchmark uses a part

pub mod access;

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{capability, AppSid, ClientName, Credentials, Policy, Token, VerifiedToken};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const AUTH_TOKEN: &str = "0123456789abcdef0123456789abcdef";
pub const ISSUED_AT: u64 = 1_700_000_000;

/// The benchmark policy, checked and encoded at compile time. A `static`, as a hot path should
/// hold it: a `const` is copied at each use.
pub static MACRO_POLICY: Policy = capability! {
    incoming "Alice";
    outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar" };
    ttl 600s;
};

#[derive(Serialize, Deserialize)]
pub struct Claims {
    scope: String,
    iss: String,
    exp: u64,
}

pub struct Contestants {
    pub credentials: Credentials,
    builder: Policy,
    token: Token,
    signing_input: String,
    floor: Hmac<Sha256>,
    claims: Claims,
    jwt_header: jsonwebtoken::Header,
    encoding_key: jsonwebtoken::EncodingKey,
    decoding_key: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
    jwt_token: String,
}

impl Contestants {
    pub fn new() -> Self {
        let credentials = Credentials::new(ACCOUNT_SID, AUTH_TOKEN).unwrap();
        // The same policy, built at run time.
        let builder = Policy::builder()
            .incoming(ClientName::new("Alice").unwrap())
            .outgoing(
                AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
                [("Foo", "Bar")],
            )
            .ttl(Duration::from_secs(600))
            .build()
            .unwrap();
        let token = MACRO_POLICY.sign_at(&credentials, ISSUED_AT);
        // The contestants must do the same job: same bytes out, and the token verifies.
        assert_eq!(token, builder.sign_at(&credentials, ISSUED_AT));
        assert!(credentials.verify_at(token.as_str(), ISSUED_AT + 1).is_ok());
        let signing_input = token.as_str().rsplit_once('.').unwrap().0.to_owned();
        let floor = Hmac::<Sha256>::new_from_slice(AUTH_TOKEN.as_bytes()).unwrap();

        // jsonwebtoken signs and verifies the same claims; it checks `exp` against the system
        // clock, so its token expires an hour from now.
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = Claims {
            scope: builder.scope().to_owned(),
            iss: ACCOUNT_SID.to_owned(),
            exp: now + 3600,
        };
        let jwt_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        let encoding_key = jsonwebtoken::EncodingKey::from_secret(AUTH_TOKEN.as_bytes());
        let decoding_key = jsonwebtoken::DecodingKey::from_secret(AUTH_TOKEN.as_bytes());
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[ACCOUNT_SID]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        let jwt_token = jsonwebtoken::encode(&jwt_header, &claims, &encoding_key).unwrap();
        Self {
            credentials,
            builder,
            token,
            signing_input,
            floor,
            claims,
            jwt_header,
            encoding_key,
            decoding_key,
            validation,
            jwt_token,
        }
    }

    /// Contestant 1: `sign_at` of the `capability!` policy.
    pub fn sign_macro(&self) -> Token {
        black_box(&MACRO_POLICY).sign_at(black_box(&self.credentials), black_box(ISSUED_AT))
    }

    /// Contestant 2: `sign_at` of the builder policy.
    pub fn sign_builder(&self) -> Token {
        black_box(&self.builder).sign_at(black_box(&self.credentials), black_box(ISSUED_AT))
    }

    /// Contestant 3: `verify_at` of that token.
    pub fn verify(&self) -> VerifiedToken {
        self.credentials
            .verify_at(black_box(self.token.as_str()), black_box(ISSUED_AT + 1))
            .unwrap()
    }

    /// Contestant 4, the floor: HMAC-SHA256 of the same signing input with a pre-keyed HMAC cloned per call,
    /// and base64url of the tag.
    pub fn floor(&self) -> [u8; 43] {
        let mut mac = self.floor.clone();
        mac.update(black_box(self.signing_input.as_bytes()));
        let mut out = [0u8; 43];
        URL_SAFE_NO_PAD
            .encode_slice(mac.finalize().into_bytes(), &mut out)
            .unwrap();
        out
    }

    /// Contestant 5a: `jsonwebtoken` encoding the same claims.
    pub fn jwt_encode(&self) -> String {
        jsonwebtoken::encode(
            &self.jwt_header,
            black_box(&self.claims),
            &self.encoding_key,
        )
        .unwrap()
    }

    /// Contestant 5b: `jsonwebtoken` decoding and verifying them.
    pub fn jwt_decode(&self) -> jsonwebtoken::TokenData<Claims> {
        jsonwebtoken::decode::<Claims>(
            black_box(&self.jwt_token),
            &self.decoding_key,
            &self.validation,
        )
        .unwrap()
    }
}
