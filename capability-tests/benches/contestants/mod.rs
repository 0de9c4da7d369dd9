//! The contestants of the performance benchmarks, set up once for all of them (`tokens.rs`,
//! criterion; `interleaved.rs` and `worst_case.rs`, ratios), and the interleaved measurement. Each
//! method is one call, inputs behind `black_box`.
#![allow(dead_code)] // each benchmark uses a part

pub mod access;

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use capability::{
    capability, AppSid, ClientName, Credentials, Policy, Signer, Token, VerifiedToken,
};
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

/// The Application SID of the per-user policies.
pub const APP: AppSid = AppSid::from_static("AP0123456789abcdef0123456789abcdef");

/// The user of the per-user contestants, as a request names them.
pub const USER: &str = "alice";

/// A token server's policy: the user who asks, and the application, as `{expr}` values.
pub fn per_user_policy(user: ClientName) -> Policy {
    capability! {
        incoming {user};
        outgoing {APP} { Foo = "Bar" };
        ttl 1h;
    }
}

#[derive(Serialize, Deserialize)]
pub struct Claims {
    scope: String,
    iss: String,
    exp: u64,
}

/// The design-card policy with 50 parameters on `outgoing` instead of one.
pub fn fifty_params() -> Policy {
    let params: Vec<(String, String)> = (1..=50)
        .map(|i| (format!("Param{i:02}"), format!("value {i:02}")))
        .collect();
    Policy::builder()
        .incoming(ClientName::new("Alice").unwrap())
        .outgoing(
            AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap(),
            params,
        )
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap()
}

/// One policy's signing and verifying contestants, and the floor of its tokens.
pub struct Card {
    pub policy: Policy,
    pub signer: Signer,
    pub token: Token,
    signing_input: String,
}

impl Card {
    fn new(policy: Policy, credentials: &Credentials) -> Self {
        let signer = policy.signer(credentials);
        let token = policy.sign_at(credentials, ISSUED_AT);
        // The contestants must do the same job: same bytes out, and the token verifies.
        assert_eq!(token, signer.sign_at(ISSUED_AT));
        assert!(credentials.verify_at(token.as_str(), ISSUED_AT + 1).is_ok());
        let signing_input = token.as_str().rsplit_once('.').unwrap().0.to_owned();
        Self {
            policy,
            signer,
            token,
            signing_input,
        }
    }
}

pub struct Contestants {
    pub credentials: Credentials,
    builder: Policy,
    pub card: Card,
    pub fifty: Card,
    /// The signing input of the per-user token of [`USER`], for its floor.
    per_user_input: String,
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
        let card = Card::new(MACRO_POLICY.clone(), &credentials);
        assert_eq!(card.token, builder.sign_at(&credentials, ISSUED_AT));
        let fifty = Card::new(fifty_params(), &credentials);
        let per_user =
            per_user_policy(ClientName::new(USER).unwrap()).sign_at(&credentials, ISSUED_AT);
        // The same job as the builder's: the same bytes.
        let per_user_builder = Policy::builder()
            .incoming(ClientName::new(USER).unwrap())
            .outgoing(APP, [("Foo", "Bar")])
            .build()
            .unwrap();
        assert_eq!(per_user, per_user_builder.sign_at(&credentials, ISSUED_AT));
        assert!(credentials
            .verify_at(per_user.as_str(), ISSUED_AT + 1)
            .is_ok());
        let per_user_input = per_user.as_str().rsplit_once('.').unwrap().0.to_owned();
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
            card,
            fifty,
            per_user_input,
            floor,
            claims,
            jwt_header,
            encoding_key,
            decoding_key,
            validation,
            jwt_token,
        }
    }

    /// `sign_at` of the `capability!` policy.
    pub fn sign_macro(&self) -> Token {
        black_box(&MACRO_POLICY).sign_at(black_box(&self.credentials), black_box(ISSUED_AT))
    }

    /// `sign_at` of the builder policy.
    pub fn sign_builder(&self) -> Token {
        black_box(&self.builder).sign_at(black_box(&self.credentials), black_box(ISSUED_AT))
    }

    /// A token server's request: the user's name checked, the per-user `capability!` policy
    /// made, and signed.
    pub fn per_user(&self) -> Token {
        let user = ClientName::new(black_box(USER)).unwrap();
        per_user_policy(user).sign_at(black_box(&self.credentials), black_box(ISSUED_AT))
    }

    /// The floor of the per-user token: HMAC-SHA256 of its signing input, pre-keyed and cloned,
    /// and base64url of the tag.
    pub fn per_user_floor(&self) -> [u8; 43] {
        let mut mac = self.floor.clone();
        mac.update(black_box(self.per_user_input.as_bytes()));
        let mut out = [0u8; 43];
        URL_SAFE_NO_PAD
            .encode_slice(mac.finalize().into_bytes(), &mut out)
            .unwrap();
        out
    }

    /// `Signer::sign_at` of the design-card policy (`fifty`: of the 50-parameter policy).
    pub fn signer(&self, fifty: bool) -> Token {
        black_box(self.card(fifty))
            .signer
            .sign_at(black_box(ISSUED_AT))
    }

    /// `Policy::sign_at` of the 50-parameter policy.
    pub fn sign_fifty(&self) -> Token {
        black_box(&self.fifty.policy).sign_at(black_box(&self.credentials), black_box(ISSUED_AT))
    }

    /// `verify_at` of the design-card token (`fifty`: of the 50-parameter token).
    pub fn verify(&self, fifty: bool) -> VerifiedToken {
        self.credentials
            .verify_at(
                black_box(self.card(fifty).token.as_str()),
                black_box(ISSUED_AT + 1),
            )
            .unwrap()
    }

    /// The floor: HMAC-SHA256 of the same signing input as the design-card token (`fifty`: as
    /// the 50-parameter token) with a pre-keyed HMAC cloned per call, and base64url of the tag.
    pub fn floor(&self, fifty: bool) -> [u8; 43] {
        let mut mac = self.floor.clone();
        mac.update(black_box(self.card(fifty).signing_input.as_bytes()));
        let mut out = [0u8; 43];
        URL_SAFE_NO_PAD
            .encode_slice(mac.finalize().into_bytes(), &mut out)
            .unwrap();
        out
    }

    fn card(&self, fifty: bool) -> &Card {
        match fifty {
            false => &self.card,
            true => &self.fifty,
        }
    }

    /// `jsonwebtoken` encoding the same claims.
    pub fn jwt_encode(&self) -> String {
        jsonwebtoken::encode(
            &self.jwt_header,
            black_box(&self.claims),
            &self.encoding_key,
        )
        .unwrap()
    }

    /// `jsonwebtoken` decoding and verifying them.
    pub fn jwt_decode(&self) -> jsonwebtoken::TokenData<Claims> {
        jsonwebtoken::decode::<Claims>(
            black_box(&self.jwt_token),
            &self.decoding_key,
            &self.validation,
        )
        .unwrap()
    }
}

/// One call of a contestant, its result dropped.
pub type Contestant<'a> = Box<dyn Fn() + 'a>;

/// Wraps a call as a contestant.
pub fn call<'a, T>(f: impl Fn() -> T + 'a) -> Contestant<'a> {
    Box::new(move || {
        black_box(f());
    })
}

/// Runs the contestants interleaved: in each round every contestant runs a batch of `batch`
/// calls, in an order that rotates from round to round, so a slow spell of a shared machine hits
/// them all alike. Returns, for each contestant, its time per call in each round (ns), after a
/// tenth as many rounds of warm-up.
pub fn interleave(contestants: &[Contestant], rounds: usize, batch: u32) -> Vec<Vec<f64>> {
    let n = contestants.len();
    let mut times = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds + rounds / 10 {
        for i in 0..n {
            let c = (round + i) % n;
            let start = std::time::Instant::now();
            for _ in 0..batch {
                (contestants[c])();
            }
            let ns = start.elapsed().as_nanos() as f64 / f64::from(batch);
            if round >= rounds / 10 {
                times[c].push(ns);
            }
        }
    }
    times
}

/// The median of `values`.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median over rounds of the ratio `a / b` within each round.
pub fn median_ratio(a: &[f64], b: &[f64]) -> f64 {
    median(a.iter().zip(b).map(|(x, y)| x / y).collect())
}
