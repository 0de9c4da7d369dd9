//! The same token server with `jsonwebtoken`: the scope is written by hand.
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    scope: String,
    iss: String,
    exp: u64,
}

fn main() {
    let (sid, secret) = ("AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let claims = Claims {
        scope: "scope:client:incoming?clientName=Alice scope:client:outgoing?appSid=AP0123456789abcdef0123456789abcdef&appParams=Foo%3DBar&clientName=Alice".into(),
        iss: sid.into(),
        exp: now + 600,
    };
    let token = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap();
    println!("{token}");
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[sid]);
    let data = decode::<Claims>(&token, &DecodingKey::from_secret(secret.as_bytes()), &validation).unwrap();
    println!("{:?}", data.claims);
}
