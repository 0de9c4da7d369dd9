//! The facade's `serde` feature reaches the runtime's impls. (The feature itself is tested in
//! `capability-runtime/tests/serde.rs`.)
//!
//! `cargo test -p capability --features serde --test serde`
#![cfg(feature = "serde")]

use capability::{capability, AppSid, ClientName, Credentials, Policy};

const SUPPORT: Policy = capability! { incoming "alice"; ttl 10m };

#[test]
fn the_facade_forwards_the_serde_feature() {
    let credentials = Credentials::new("AC0123456789abcdef0123456789abcdef", "secret").unwrap();
    let token = SUPPORT.sign_at(&credentials, 1_700_000_000);
    assert_eq!(
        serde_json::to_string(&token).unwrap(),
        format!("\"{}\"", token.as_str())
    );

    let app: AppSid = serde_json::from_str(r#""AP0123456789abcdef0123456789abcdef""#).unwrap();
    assert_eq!(app, "AP0123456789abcdef0123456789abcdef");
    let error = serde_json::from_str::<ClientName>(r#""alice smith""#).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&ClientName::new("alice smith").unwrap_err().to_string()),
        "{error}"
    );
}
