//! Removal orders: which node an attack takes first, second, …
//!
//! Every order is a permutation of all `n` nodes; a sweep point that removes
//! `k` nodes takes the first `k` of it, so the removed sets are nested.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use crate::network::centrality::betweenness_of;
use crate::sim::rng::Stream;

/// A uniformly random order: Fisher–Yates driven by `Stream::new(seed, trial)`.
pub fn random_order(n: usize, seed: u64, trial: u64) -> Vec<usize> {
    let mut s = Stream::new(seed, trial);
    let mut order: Vec<usize> = (0..n).collect();
    for i in 0..n.saturating_sub(1) {
        let j = i + s.below((n - i) as u64) as usize;
        order.swap(i, j);
    }
    order
}

/// Whole regions, largest first (ties by region name), each region's nodes
/// by `tie`; then the nodes without a region, by `tie` (`region` may be
/// empty: no node has one).
pub fn region_order(region: &[Option<String>], tie: &[usize], n: usize) -> Vec<usize> {
    let mut size: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for r in region.iter().flatten() {
        *size.entry(r.as_str()).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = size.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let rank_of = |v: usize| {
        region
            .get(v)
            .and_then(|r| r.as_deref())
            .and_then(|r| ranked.iter().position(|(x, _)| *x == r))
            .unwrap_or(ranked.len())
    };
    let rank: Vec<usize> = (0..n).map(rank_of).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&v| (rank[v], tie[v]));
    order
}

/// Scores are compared after rounding to 1e-9 relative precision, exactly as
/// [`crate::network::centrality::ranking`] does, so equal scores tie.
fn quantise(x: f64) -> f64 {
    (x * 1e9).round()
}

/// Nodes by `score`, highest first, ties by `tie` (lowest first).
///
/// With `tie` = each node's position in id order this is
/// [`crate::network::centrality::ranking`].
pub fn rank_by(score: &[f64], tie: &[usize]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| {
        quantise(score[b])
            .total_cmp(&quantise(score[a]))
            .then_with(|| tie[a].cmp(&tie[b]))
    });
    idx
}

/// Highest degree first in the intact graph; with `adaptive`, the degree is
/// recounted on the remaining graph after every removal (O((N + E) log N)).
pub fn degree_order(adj: &[Vec<usize>], tie: &[usize], adaptive: bool) -> Vec<usize> {
    let degree: Vec<f64> = adj.iter().map(|a| a.len() as f64).collect();
    if !adaptive {
        return rank_by(&degree, tie);
    }
    let mut deg: Vec<usize> = adj.iter().map(Vec::len).collect();
    let mut queue: BTreeSet<(Reverse<usize>, usize, usize)> = (0..adj.len())
        .map(|v| (Reverse(deg[v]), tie[v], v))
        .collect();
    let mut removed = vec![false; adj.len()];
    let mut order = Vec::with_capacity(adj.len());
    while let Some((_, _, v)) = queue.pop_first() {
        removed[v] = true;
        order.push(v);
        for &u in &adj[v] {
            if !removed[u] {
                queue.remove(&(Reverse(deg[u]), tie[u], u));
                deg[u] -= 1;
                queue.insert((Reverse(deg[u]), tie[u], u));
            }
        }
    }
    order
}

/// Highest betweenness first in the intact graph; with `adaptive`, Brandes is
/// rerun on the remaining graph after every removal until no remaining node
/// lies between two others (then every score stays 0 and ties decide).
/// Adaptive cost is O(N · N · E): fine for scenario-sized graphs, slow for
/// thousands of nodes.
pub fn betweenness_order(adj: &[Vec<usize>], tie: &[usize], adaptive: bool) -> Vec<usize> {
    let score = betweenness_of(adj);
    if !adaptive {
        return rank_by(&score, tie);
    }
    let n = adj.len();
    let mut current: Vec<Vec<usize>> = adj.to_vec();
    let mut removed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut score = score;
    while order.len() < n {
        let best = (0..n).filter(|&v| !removed[v]).min_by(|&a, &b| {
            quantise(score[b])
                .total_cmp(&quantise(score[a]))
                .then_with(|| tie[a].cmp(&tie[b]))
        });
        let Some(v) = best else { break };
        if quantise(score[v]) <= 0.0 {
            // Removing nodes never creates a path: every later score is 0 too.
            let mut rest: Vec<usize> = (0..n).filter(|&u| !removed[u]).collect();
            rest.sort_by_key(|&u| tie[u]);
            order.extend(rest);
            break;
        }
        removed[v] = true;
        order.push(v);
        for u in std::mem::take(&mut current[v]) {
            current[u].retain(|&w| w != v);
        }
        score = betweenness_of(&current);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_order_is_a_permutation_and_seeded() {
        let a = random_order(50, 3, 1);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_eq!(a, random_order(50, 3, 1));
        assert_ne!(a, random_order(50, 3, 2));
    }

    #[test]
    fn adaptive_degree_recounts_after_each_removal() {
        // Star 0 with leaves 1..=3, plus a path 4-5-6-7-8 (degrees 1,2,2,2,1).
        let adj = vec![
            vec![1, 2, 3],
            vec![0],
            vec![0],
            vec![0],
            vec![5],
            vec![4, 6],
            vec![5, 7],
            vec![6, 8],
            vec![7],
        ];
        let tie: Vec<usize> = (0..adj.len()).collect();
        let stat = degree_order(&adj, &tie, false);
        assert_eq!(&stat[..4], &[0, 5, 6, 7]);
        // After 0 and 5 go, 7 (degree 2) beats 6 (degree 1 now).
        let adapt = degree_order(&adj, &tie, true);
        assert_eq!(&adapt[..3], &[0, 5, 7]);
    }

    #[test]
    fn adaptive_betweenness_finds_the_next_bridge() {
        // Path 0-1-2-3-4-5-6: static order 3, 2, 4, …; adaptive after 3 takes 1 (or 5).
        let adj: Vec<Vec<usize>> = (0..7)
            .map(|i: usize| {
                let mut v = Vec::new();
                if i > 0 {
                    v.push(i - 1);
                }
                if i < 6 {
                    v.push(i + 1);
                }
                v
            })
            .collect();
        let tie: Vec<usize> = (0..7).collect();
        assert_eq!(&betweenness_order(&adj, &tie, false)[..3], &[3, 2, 4]);
        let a = betweenness_order(&adj, &tie, true);
        assert_eq!(&a[..3], &[3, 1, 5]);
        let mut s = a.clone();
        s.sort_unstable();
        assert_eq!(s, (0..7).collect::<Vec<_>>());
    }
}
