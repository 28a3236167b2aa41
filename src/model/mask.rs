//! Down-sets as bit masks, and the hasher of the memos keyed by them.

use std::hash::{BuildHasherDefault, Hasher};

/// The hasher of every memo keyed by masks (see [`MaskHasher`]).
pub type MaskHash = BuildHasherDefault<MaskHasher>;

/// Multiply-shift hashing of `u64` words: down-set masks, tuples and
/// slices of them (the memos' keys). The keys are made by the engine from
/// down-sets and levels, never read from a file, so the memos need no
/// resistance to chosen keys.
#[derive(Debug, Default, Clone, Copy)]
pub struct MaskHasher(u64);

impl Hasher for MaskHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time (a slice of `u64` keys hashes its bytes).
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

/// The down-set of at most 64 nodes as a bit mask (bit i for node i).
pub fn mask(down: &[bool]) -> u64 {
    down.iter()
        .enumerate()
        .filter(|(_, d)| **d)
        .fold(0, |key, (i, _)| key | 1 << i)
}
