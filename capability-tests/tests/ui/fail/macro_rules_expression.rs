use capability::{capability, Policy};

macro_rules! agent {
    ($name:expr) => {
        capability! { incoming $name }
    };
}

macro_rules! queue {
    ($queue:expr) => {
        capability! { events { Queue = $queue } }
    };
}

fn main() {
    let name = String::from("Alice");
    let _: Policy = agent!(concat!("Al", "ice"));
    let _: Policy = agent!(name.clone());
    let _: Policy = queue!(name.clone());
}
