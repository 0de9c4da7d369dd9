use capability::capability;

fn main() {
    let retries = 3;
    let _policy = capability! { events { Retries = {retries} } };
}
