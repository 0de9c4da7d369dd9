use capability::{capability, Policy};

const POLICY: Policy = capability! { outgoing "REPLACE_ME" };
const SERVICE: Policy = capability! { outgoing "ISxxx" };

fn main() {
    let _ = (POLICY, SERVICE);
}
