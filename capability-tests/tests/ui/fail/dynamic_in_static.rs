use capability::{capability, ClientName, Policy};

static POLICY: Policy = capability! { incoming {ClientName::from_static("Alice")} };

fn main() {
    let _ = &POLICY;
}
