//! Edits of a token's text for the tests that compare the verifiers with `inspect_at` on edited
//! tokens.

use proptest::prelude::*;

/// Bytes a mutation writes: those the readers treat specially, and any other.
pub fn mutation_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(
            b"%+&= \"\\?:}{][,.0129eE-_AaF/\n\t\x00\x7f\xc3\xa9\xff".to_vec()
        ),
        1 => any::<u8>(),
    ]
}

/// Up to four edits (replace, insert, delete) at any positions.
pub fn mutations() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
    prop::collection::vec(
        (any::<prop::sample::Index>(), 0..3u8, mutation_byte()),
        1..=4,
    )
}

/// `text` with `edits` applied in turn.
pub fn mutate(text: impl AsRef<[u8]>, edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
    let mut bytes = text.as_ref().to_vec();
    for (index, kind, byte) in edits {
        let i = index.index(bytes.len() + 1);
        match (kind, i < bytes.len()) {
            (0, true) => bytes[i] = *byte,
            (1, true) => {
                bytes.remove(i);
            }
            _ => bytes.insert(i, *byte),
        }
    }
    bytes
}
