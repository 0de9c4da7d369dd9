//! Property tests of the templates `capability!` and `access_token!` make of policies with
//! `{expr}` values: for random values, the tokens are byte for byte those of the builder with the
//! same values, and the errors are the builder's.
//!
//! The values cover every character class (client names of every length, hence every alignment
//! of what follows them; parameter values with `%`, `+`, `&`, `=`, spaces and non-ASCII text;
//! identities that JSON escapes as `\uXXXX` and surrogate pairs) and every width of the expiry.

use std::time::Duration;

use capability::{
    access_token, capability, AccessPolicy, ApiKey, AppSid, ChatGrant, ClientName, Credentials,
    Error, Identity, Policy, VideoGrant, VoiceGrant, MAX_EXP,
};
use proptest::prelude::*;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

/// The Application SID the first policy of each template gets, as a server's constant would be.
const APP: AppSid = AppSid::from_static("AP0123456789abcdef0123456789abcdef");

fn credentials() -> Credentials {
    Credentials::new(ACCOUNT, "0123456789abcdef0123456789abcdef").unwrap()
}

fn key() -> ApiKey {
    ApiKey::new(
        ACCOUNT,
        "SK0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap()
}

/// A client name of any valid length: every alignment of the text after it.
fn name() -> impl Strategy<Value = ClientName> {
    "[A-Za-z0-9_]{1,121}".prop_map(|s| ClientName::new(&s).unwrap())
}

fn app() -> impl Strategy<Value = AppSid> {
    "[0-9a-f]{32}".prop_map(|hex| AppSid::new(&format!("AP{hex}")).unwrap())
}

/// Text the scope encodes twice: reserved characters, spaces, non-ASCII; or anything.
fn param_value() -> impl Strategy<Value = String> {
    prop_oneof!["[ %+&=a-zA-Z0-9._~/é😀-]{0,40}", any::<String>()]
}

/// A time whose expiry has any number of digits, up to the clamped end of time.
fn issued_at() -> impl Strategy<Value = u64> {
    (0u32..=17, any::<u64>()).prop_map(|(digits, r)| match digits {
        0 => r % 10,
        17 => MAX_EXP - r % 4000,
        d => 10u64.pow(d - 1) + r % (9 * 10u64.pow(d - 1)),
    })
}

fn per_user(user: ClientName, app: AppSid) -> Policy {
    capability! {
        incoming {user};
        outgoing {app} { Foo = "Bar" };
        ttl 1h;
    }
}

fn with_values(user: ClientName, app: AppSid, to: String, level: String) -> Result<Policy, Error> {
    capability! {
        events { Level = {level}, Path = "/a b" };
        outgoing {app} { To = {to}, Foo = "B&r" };
        incoming {user};
        ttl 10s;
    }
}

fn voice(
    identity: Identity,
    app: AppSid,
    to: String,
    endpoint: String,
) -> Result<AccessPolicy, Error> {
    access_token! {
        identity {identity};
        voice { incoming; outgoing {app} { To = {to}, Foo = "Bar" }; endpoint {endpoint} };
        video;
        ttl 1h;
    }
}

fn rooms(identity: Identity, room: String, endpoint: String) -> Result<AccessPolicy, Error> {
    access_token! {
        identity {identity};
        video { room {room} };
        chat { endpoint {endpoint} };
        region "ie1";
        ttl 24h;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn capability_templates_sign_the_builders_tokens(
        user in name(),
        app in app(),
        to in param_value(),
        level in param_value(),
        issued_at in issued_at(),
    ) {
        let credentials = credentials();
        // The SID of the first policy (the template's second form, with it written in), and
        // others.
        for app in [APP, app] {
            let template = per_user(user.clone(), app);
            let built = Policy::builder()
                .incoming(user.clone())
                .outgoing(app, [("Foo", "Bar")])
                .build()
                .unwrap();
            prop_assert_eq!(
                template.sign_at(&credentials, issued_at),
                built.sign_at(&credentials, issued_at)
            );
            prop_assert_eq!(
                template.signer(&credentials).sign_at(issued_at),
                built.sign_at(&credentials, issued_at)
            );
        }

        let template = with_values(user.clone(), app, to.clone(), level.clone()).unwrap();
        let built = Policy::builder()
            .events([("Level", level.as_str()), ("Path", "/a b")])
            .outgoing(app, [("To", to.as_str()), ("Foo", "B&r")])
            .incoming(user)
            .ttl(Duration::from_secs(10))
            .build()
            .unwrap();
        let token = template.sign_at(&credentials, issued_at);
        prop_assert_eq!(&token, &built.sign_at(&credentials, issued_at));
        prop_assert_eq!(template.scope(), built.scope());
        prop_assert_eq!(&template, &built);
        let verified = credentials.verify_at(token.as_str(), 0).unwrap();
        prop_assert_eq!(verified.grants(), built.grants());
    }

    #[test]
    fn voice_templates_sign_the_builders_tokens_or_give_its_errors(
        identity in prop_oneof!["[A-Za-z0-9_]{1,121}", "[^\\p{Cc}]{1,12}"],
        app in app(),
        to in param_value(),
        endpoint in prop_oneof!["[^\\p{Cc}]{0,12}", Just(String::new())],
        issued_at in issued_at(),
    ) {
        let key = key();
        let identity = Identity::new(&identity).unwrap();
        for app in [APP, app] {
            let template = voice(identity.clone(), app, to.clone(), endpoint.clone());
            let built = AccessPolicy::builder()
                .identity(identity.clone())
                .voice(
                    VoiceGrant::new()
                        .incoming()
                        .outgoing(app, [("To", to.as_str()), ("Foo", "Bar")])
                        .endpoint(endpoint.clone()),
                )
                .video(VideoGrant::new())
                .build();
            match (template, built) {
                (Ok(template), Ok(built)) => {
                    prop_assert_eq!(
                        template.sign_at(&key, issued_at),
                        built.sign_at(&key, issued_at)
                    );
                    prop_assert_eq!(&template, &built);
                }
                (Err(made), Err(built)) => prop_assert_eq!(made, built),
                (made, built) => prop_assert!(false, "{:?} {:?}", made, built),
            }
        }
    }

    #[test]
    fn identities_of_any_text_are_escaped_as_the_builder_escapes_them(
        identity in "[^\\p{Cc}]{1,40}",
        room in "[^\\p{Cc}]{0,12}",
        endpoint in "[^\\p{Cc}]{0,12}",
        issued_at in issued_at(),
    ) {
        let key = key();
        let identity = Identity::new(&identity).unwrap();
        let template = rooms(identity.clone(), room.clone(), endpoint.clone());
        let built = AccessPolicy::builder()
            .identity(identity)
            .video(VideoGrant::new().room(room))
            .chat(ChatGrant::new().endpoint(endpoint))
            .region(capability::Region::new("ie1").unwrap())
            .ttl(Duration::from_secs(86_400))
            .build();
        match (template, built) {
            (Ok(template), Ok(built)) => {
                prop_assert_eq!(template.sign_at(&key, issued_at), built.sign_at(&key, issued_at));
                prop_assert_eq!(template.grants(), built.grants());
            }
            (Err(made), Err(built)) => prop_assert_eq!(made, built),
            (made, built) => prop_assert!(false, "{:?} {:?}", made, built),
        }
    }
}

/// Values that make the tokens too long: the builder's error, with its lengths.
#[test]
fn too_long_values_give_the_builders_error() {
    let user = ClientName::new("alice").unwrap();
    let app = AppSid::new("AP0123456789abcdef0123456789abcdef").unwrap();
    let long = "é".repeat(3000);
    let made = with_values(user.clone(), app, long.clone(), String::new()).unwrap_err();
    let built = Policy::builder()
        .events([("Level", ""), ("Path", "/a b")])
        .outgoing(app, [("To", long.as_str()), ("Foo", "B&r")])
        .incoming(user)
        .build()
        .unwrap_err();
    assert_eq!(made, built);
    assert!(matches!(made, Error::PolicyTooLarge { .. }));
    let identity = Identity::new("alice").unwrap();
    let made = voice(identity.clone(), app, "\u{1}".repeat(3000), "e".into()).unwrap_err();
    assert!(matches!(made, Error::PolicyTooLarge { .. }), "{made}");
    // The identity rule of `voice`, with the builder's message.
    let made = voice(
        Identity::new("alice smith").unwrap(),
        app,
        String::new(),
        "e".into(),
    );
    assert_eq!(
        made.unwrap_err().to_string(),
        "a `voice` grant needs an identity that is a valid client name, and Twilio refuses this \
         one: character 6 (` `) is not allowed in a client name; use letters, digits or `_`"
    );
}

/// Every kind of value of `access_token!` through a template, and the policies that go through
/// the builder instead (a region value, more than four values): the builder's tokens either way.
#[test]
fn every_kind_of_value_signs_the_builders_tokens() {
    use capability::{
        CredentialSid, Region, RoleSid, ServiceSid, SyncGrant, TaskRouterGrant, WorkerSid,
        WorkspaceSid,
    };
    let key = key();
    let service = ServiceSid::new("IS0123456789abcdef0123456789abcdef").unwrap();
    let role = RoleSid::new("RL0123456789abcdef0123456789abcdef").unwrap();
    let credential = CredentialSid::new("CR0123456789abcdef0123456789abcdef").unwrap();
    let workspace = WorkspaceSid::new("WS0123456789abcdef0123456789abcdef").unwrap();
    let worker = WorkerSid::new("WK0123456789abcdef0123456789abcdef").unwrap();
    let chat = |identity: Identity, endpoint: String| -> Result<AccessPolicy, Error> {
        access_token! {
            identity {identity};
            chat { service {service}; endpoint {endpoint}; deployment_role {role}; push_credential {credential} };
        }
    };
    let task_router = |identity: Identity, name: String| -> Result<AccessPolicy, Error> {
        access_token! {
            identity {identity};
            task_router { workspace {workspace}; worker {worker}; role {name} };
            sync { endpoint "e" };
        }
    };
    let with_region = |identity: Identity, region: Region| -> Result<AccessPolicy, Error> {
        access_token! { identity {identity}; video { room "r" }; region {region} }
    };
    let five = |identity: Identity, a: String| -> Result<AccessPolicy, Error> {
        access_token! {
            identity {identity};
            voice { outgoing {APP} { A = {a.clone()}, B = {a.clone()}, C = {a.clone()} }; endpoint {a} };
        }
    };
    for (name, text) in [("alice", "x"), ("Bob_2", "é \"/"), ("carol", "")] {
        let identity = Identity::new(name).unwrap();
        let sign = |p: Result<AccessPolicy, Error>| p.map(|p| p.sign_at(&key, 1_700_000_000));
        assert_eq!(
            sign(chat(identity.clone(), text.to_owned())),
            sign(
                AccessPolicy::builder()
                    .identity(identity.clone())
                    .chat(
                        ChatGrant::new()
                            .service(service)
                            .endpoint(text)
                            .deployment_role(role)
                            .push_credential(credential)
                    )
                    .build()
            )
        );
        assert_eq!(
            sign(task_router(identity.clone(), text.to_owned())),
            sign(
                AccessPolicy::builder()
                    .identity(identity.clone())
                    .task_router(
                        TaskRouterGrant::new()
                            .workspace(workspace)
                            .worker(worker)
                            .role(text)
                    )
                    .sync(SyncGrant::new().endpoint("e"))
                    .build()
            )
        );
        let region = Region::new("ie1").unwrap();
        assert_eq!(
            sign(with_region(identity.clone(), region.clone())),
            sign(
                AccessPolicy::builder()
                    .identity(identity.clone())
                    .video(VideoGrant::new().room("r"))
                    .region(region)
                    .build()
            )
        );
        assert_eq!(
            sign(five(identity.clone(), text.to_owned())),
            sign(
                AccessPolicy::builder()
                    .identity(identity.clone())
                    .voice(
                        VoiceGrant::new()
                            .outgoing(APP, [("A", text), ("B", text), ("C", text)])
                            .endpoint(text)
                    )
                    .build()
            )
        );
    }
}

/// A `capability!` policy with more values than a template holds goes through the builder: the
/// same tokens.
#[test]
fn more_values_than_a_template_holds_sign_the_builders_tokens() {
    let credentials = credentials();
    let user = ClientName::new("alice").unwrap();
    let v = |i: usize| format!("v {i} &");
    let made = capability! {
        incoming {user.clone()};
        events { A = {v(1)}, B = {v(2)}, C = {v(3)}, D = {v(4)} };
    }
    .unwrap();
    let built = Policy::builder()
        .incoming(user)
        .events([("A", v(1)), ("B", v(2)), ("C", v(3)), ("D", v(4))])
        .build()
        .unwrap();
    assert_eq!(
        made.sign_at(&credentials, 1_700_000_000),
        built.sign_at(&credentials, 1_700_000_000)
    );
}
