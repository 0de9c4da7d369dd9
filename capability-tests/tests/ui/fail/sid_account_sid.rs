use capability::{capability, Policy};

const POLICY: Policy = capability! {
    outgoing "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
};

fn main() {
    let _ = POLICY;
}
