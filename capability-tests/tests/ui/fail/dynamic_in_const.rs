use capability::{capability, ClientName, Policy};

// With a `{expr}` the macro is an ordinary expression, built at run time: not `const`.
const POLICY: Policy = capability! { incoming {ClientName::from_static("Alice")} };

fn main() {
    let _ = POLICY;
}
