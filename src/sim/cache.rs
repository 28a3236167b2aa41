//! Max-flow values memoised by down-set.

use std::collections::HashMap;

use crate::network::{FlowNetwork, FlowSolver};

/// Most entries kept before the cache is cleared (bounds memory).
const CAPACITY: usize = 1 << 14;

/// Solver scratch plus a bounded memo of max-flow values keyed by the set of
/// down nodes. Flow values are a pure function of the down-set, so hits and
/// misses never change results, only speed. One per topology per thread.
#[derive(Debug, Default)]
pub struct FlowCache {
    solver: FlowSolver,
    memo: HashMap<Box<[u64]>, f64>,
    key: Vec<u64>,
    /// Lookups answered from the memo.
    pub hits: u64,
    /// Lookups that ran the solver.
    pub misses: u64,
}

impl FlowCache {
    /// Max flow of `net` with the nodes marked in `down` removed.
    pub fn max_flow(&mut self, net: &FlowNetwork, down: &[bool]) -> f64 {
        self.key.clear();
        self.key.resize(down.len().div_ceil(64), 0);
        for (i, _) in down.iter().enumerate().filter(|(_, d)| **d) {
            self.key[i / 64] |= 1 << (i % 64);
        }
        if let Some(&f) = self.memo.get(self.key.as_slice()) {
            self.hits += 1;
            return f;
        }
        self.misses += 1;
        let f = net.max_flow(down, &mut self.solver);
        if self.memo.len() >= CAPACITY {
            self.memo.clear();
        }
        self.memo.insert(self.key.clone().into_boxed_slice(), f);
        f
    }
}
