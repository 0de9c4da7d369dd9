use capability::{capability, Policy};

const POLICY: Policy = capability! {
    incoming "a_client_name_of_122_characters_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
};

fn main() {
    let _ = POLICY;
}
