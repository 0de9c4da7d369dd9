//! The performance targets as ratios, measured interleaved (see `contestants::interleave`): the
//! ratio reported is the median over rounds of each round's ratio.
//!
//! ```text
//! cargo bench -p capability-tests --bench interleaved
//! ```
//!
//! `benches/tokens.rs` measures the same contestants with criterion, one after the other;
//! `benches/worst_case.rs` measures hostile tokens against valid ones.

mod contestants;

use contestants::access::AccessContestants;
use contestants::{call, interleave, median, median_ratio, Contestant, Contestants};

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
}

impl C {
    /// The floor this contestant is measured against: that of the same token.
    fn floor(self) -> C {
        match self {
            C::Signer50 | C::Sign50 | C::Verify50 | C::Floor50 => C::Floor50,
            C::AccessSign | C::AccessVerify | C::AccessFloor => C::AccessFloor,
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
            _ => "",
        }
    }
}

fn main() {
    let c = Contestants::new();
    let a = AccessContestants::new();
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
    println!("Capability tokens; Access Tokens against the floor of their own signing input:");
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
