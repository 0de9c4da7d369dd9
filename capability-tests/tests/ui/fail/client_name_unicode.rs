use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "Zoë";
};

fn main() {
    let _ = POLICY;
}
