//! What the property tests share.
#![allow(dead_code)] // each test uses a part

pub mod mutations;
