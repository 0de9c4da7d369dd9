use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "alice-smith";
};

fn main() {
    let _ = POLICY;
}
