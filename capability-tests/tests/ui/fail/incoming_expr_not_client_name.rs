use capability::capability;

fn main() {
    // A `&str` has not been validated: `incoming {…}` takes a `ClientName`.
    let name = "Alice";
    let _policy = capability! { incoming {name} };
}
