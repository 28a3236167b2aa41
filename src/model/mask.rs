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

/// The non-empty proper subsets of `set`, in decreasing order of their
/// masks (2^k − 2 of them for k nodes in `set`).
pub fn proper_subsets(set: u64) -> impl Iterator<Item = u64> {
    let mut sub = set;
    std::iter::from_fn(move || {
        sub = sub.wrapping_sub(1) & set;
        (sub != 0).then_some(sub)
    })
}

#[cfg(test)]
mod subset_tests {
    use super::proper_subsets;

    #[test]
    fn every_non_empty_proper_subset_once() {
        let got: Vec<u64> = proper_subsets(0b1011).collect();
        assert_eq!(got, vec![0b1010, 0b1001, 0b1000, 0b0011, 0b0010, 0b0001]);
        assert_eq!(proper_subsets(0b100).count(), 0);
        assert_eq!(proper_subsets(0).count(), 0);
        assert_eq!(proper_subsets(0b1111).count(), 14);
    }
}
