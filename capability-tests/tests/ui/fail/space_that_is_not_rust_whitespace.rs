use capability::{access_token, capability, AccessPolicy, Policy};

// Spaces that Unicode counts as whitespace and Rust does not: a no-break space after
// `incoming`, an ideographic space after `identity`, a narrow no-break space before `;`.
const POLICY: Policy = capability! {
    incoming "Alice";
};

const ACCESS: AccessPolicy = access_token! {
    identity　"alice" ;
    video;
};

fn main() {
    let _ = (POLICY, ACCESS);
}
