use capability::access_token;

fn main() {
    let name = "alice";
    let _ = access_token! { identity {name}; video };
}
