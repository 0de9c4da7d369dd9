use capability::capability;

fn main() {
    // A `String` has not been validated: `outgoing {…}` takes an `AppSid`.
    let app_sid = String::from("AP0123456789abcdef0123456789abcdef");
    let _policy = capability! { outgoing {app_sid} };
}
