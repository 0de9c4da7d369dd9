//! The performance targets as ratios, measured interleaved (see `contestants::interleave`): the
//! ratio reported is the median over rounds of each round's ratio.
//!
//! ```text
//! cargo bench -p capability-tests --bench interleaved
//! ```
//!
//! `benches/tokens.rs` measures the same contestants with criterion, one after the other;
//! `benches/worst_case.rs` measures hostile tokens against valid ones.
//!
//! The webhook contestants (`contestants/webhook.rs`) validate a typical Voice webhook against
//! one HMAC-SHA1 over its signed string plus the base64.

mod contestants;
#[path = "contestants/webhook.rs"]
mod webhook;

use contestants::access::AccessContestants;
use contestants::{call, interleave, median, median_ratio, Contestant, Contestants};
use webhook::WebhookContestants;

const ROUNDS: usize = 4000;
const BATCH: u32 = 40;

/// The contestants, in the order of the table.
#[derive(Clone, Copy)]
enum C {
    SignMacro,
    SignBuilder,
    Signer,
    Verify,
    Floor,
    JwtEncode,
    JwtDecode,
    Signer50,
    Sign50,
    Verify50,
    Floor50,
    AccessSign,
    AccessVerify,
    AccessFloor,
    PerUser,
    PerUserFloor,
    AccessPerUser,
    AccessPerUserFloor,
    WebhookValidate,
    WebhookValidateUnsorted,
    WebhookReadValidate,
    WebhookFloor,
}

impl C {
    /// The floor this contestant is measured against: that of the same token.
    fn floor(self) -> C {
        match self {
            C::Signer50 | C::Sign50 | C::Verify50 | C::Floor50 => C::Floor50,
            C::AccessSign | C::AccessVerify | C::AccessFloor => C::AccessFloor,
            C::PerUser | C::PerUserFloor => C::PerUserFloor,
            C::AccessPerUser | C::AccessPerUserFloor => C::AccessPerUserFloor,
            C::WebhookValidate
            | C::WebhookValidateUnsorted
            | C::WebhookReadValidate
            | C::WebhookFloor => C::WebhookFloor,
            _ => C::Floor,
        }
    }

    fn target(self) -> &'static str {
        match self {
            C::SignMacro => "≤ 1.0",
            C::SignBuilder => "≤ 1.0",
            C::Signer => "≤ 0.65",
            C::Verify => "≤ 2.0",
            C::Signer50 => "≤ 0.25",
            C::Verify50 => "≤ 2.5",
            C::AccessSign => "≤ 1.3",
            C::AccessVerify => "≤ 2",
            C::PerUser => "≤ 1.3",
            C::AccessPerUser => "≤ 1.3",
            C::WebhookValidate => "≤ 1.5",
            _ => "",
        }
    }
}

fn main() {
    let c = Contestants::new();
    let a = AccessContestants::new();
    let w = WebhookContestants::new();
    let contestants: Vec<(C, &str, Contestant)> = vec![
        (
            C::SignMacro,
            "`sign_at`, `capability!` policy",
            call(|| c.sign_macro()),
        ),
        (
            C::SignBuilder,
            "`sign_at`, `Policy::builder()` policy",
            call(|| c.sign_builder()),
        ),
        (C::Signer, "`Signer::sign_at`", call(|| c.signer(false))),
        (C::Verify, "`verify_at`", call(|| c.verify(false))),
        (
            C::Floor,
            "floor: HMAC-SHA256 + base64url",
            call(|| c.floor(false)),
        ),
        (
            C::JwtEncode,
            "`jsonwebtoken` 11 encode",
            call(|| c.jwt_encode()),
        ),
        (
            C::JwtDecode,
            "`jsonwebtoken` 11 decode + verify",
            call(|| c.jwt_decode()),
        ),
        (
            C::Signer50,
            "`Signer::sign_at`, 50 parameters",
            call(|| c.signer(true)),
        ),
        (
            C::Sign50,
            "`sign_at`, 50 parameters",
            call(|| c.sign_fifty()),
        ),
        (
            C::Verify50,
            "`verify_at`, 50 parameters",
            call(|| c.verify(true)),
        ),
        (C::Floor50, "floor, 50 parameters", call(|| c.floor(true))),
        (C::AccessSign, "Access Token `sign_at`", call(|| a.sign())),
        (
            C::AccessVerify,
            "Access Token `verify_at`",
            call(|| a.verify()),
        ),
        (
            C::AccessFloor,
            "Access Token floor: HMAC-SHA256 + base64url",
            call(|| a.floor()),
        ),
        (
            C::PerUser,
            "per user: `ClientName::new` + `capability! { incoming {user}; outgoing {APP} { Foo = \"Bar\" }; ttl 1h; }` + `sign_at`",
            call(|| c.per_user()),
        ),
        (
            C::PerUserFloor,
            "floor of the per-user capability token",
            call(|| c.per_user_floor()),
        ),
        (
            C::AccessPerUser,
            "per user: `Identity::new` + `access_token! { identity {identity}; voice { incoming; outgoing {APP} }; video; ttl 1h; }` + `sign_at`",
            call(|| a.per_user()),
        ),
        (
            C::AccessPerUserFloor,
            "floor of the per-user Access Token",
            call(|| a.per_user_floor()),
        ),
        (
            C::WebhookValidate,
            "webhook `Validator::validate`, 20 parameters",
            call(|| w.validate()),
        ),
        (
            C::WebhookValidateUnsorted,
            "webhook `validate`, the 20 parameters out of order",
            call(|| w.validate_unsorted()),
        ),
        (
            C::WebhookReadValidate,
            "webhook `FormParams::from_form` + `validate`",
            call(|| w.read_and_validate()),
        ),
        (
            C::WebhookFloor,
            "webhook floor: HMAC-SHA1 pre-keyed, cloned, over the signed string + base64",
            call(|| w.floor_signature()),
        ),
    ];
    let (table, calls): (Vec<(C, &str)>, Vec<Contestant>) = contestants
        .into_iter()
        .map(|(id, name, f)| ((id, name), f))
        .unzip();
    for (i, (id, _)) in table.iter().enumerate() {
        assert_eq!(*id as usize, i);
    }
    let times = interleave(&calls, ROUNDS, BATCH);
    let ratio = |a: C, b: C| median_ratio(&times[a as usize], &times[b as usize]);

    println!("interleaved: {ROUNDS} rounds of {BATCH} calls each; medians");
    println!(
        "Capability tokens; Access Tokens and the webhook ({} byte signed string) against the floor of their own signed input:",
        w.signed_len()
    );
    println!("| benchmark | median | × floor | target |");
    println!("|---|---:|---:|---|");
    for &(id, name) in &table {
        println!(
            "| {name} | {:.0} ns | {:.2} | {} |",
            median(times[id as usize].clone()),
            ratio(id, id.floor()),
            id.target()
        );
    }
    for (a, b, what, goal) in [
        (
            C::JwtEncode,
            C::Signer,
            "jsonwebtoken encode / Signer::sign_at",
            "≥ 4",
        ),
        (
            C::JwtEncode,
            C::SignMacro,
            "jsonwebtoken encode / capability! sign_at",
            "≥ 2",
        ),
        (
            C::JwtDecode,
            C::Verify,
            "jsonwebtoken decode / verify_at",
            "≥ 2.5",
        ),
    ] {
        println!("{what}: {:.2}× (target {goal})", ratio(a, b));
    }
}
