// Keys as identifiers (keywords and raw identifiers too) or string literals; values as any string
// literal (escapes, raw strings, Unicode).
use capability::{capability, Policy};

static POLICY: Policy = capability! {
    outgoing "AP0123456789abcdef0123456789abcdef" {
        type = "keyword key",
        r#match = "raw identifier key",
        "with space" = r"raw \ string",
        "Émoji 😀" = "tab\there, quote\" and é",
        Empty = "",
    };
    events { "/path" = "a&b=c" };
};

fn main() {
    let outgoing = POLICY.grants().outgoing().unwrap();
    assert_eq!(
        outgoing.params(),
        &[
            ("type", "keyword key"),
            ("match", "raw identifier key"),
            ("with space", r"raw \ string"),
            ("Émoji 😀", "tab\there, quote\" and é"),
            ("Empty", ""),
        ]
    );
    assert_eq!(
        POLICY.grants().events().unwrap().filters(),
        &[("/path", "a&b=c")]
    );
    assert!(
        POLICY
            .scope()
            .ends_with("&params=%252Fpath%3Da%2526b%253Dc"),
        "{}",
        POLICY.scope()
    );
}
