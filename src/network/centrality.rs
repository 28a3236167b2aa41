//! Node centrality for targeted shocks and attacks.
//!
//! Both measures use the *undirected* view of a topology (a link joins two
//! firms whichever way goods move), each neighbour counted once.

use std::collections::VecDeque;

use super::undirected_neighbours;
use crate::scenario::Topology;

/// Total degree of each node: the number of distinct neighbours.
pub fn degree(topo: &Topology) -> Vec<f64> {
    undirected_neighbours(topo)
        .iter()
        .map(|a| a.len() as f64)
        .collect()
}

/// Betweenness centrality (Brandes 2001) on the undirected graph, in
/// unordered-pair units: the number of shortest paths between other nodes
/// that pass through each node, shared equally among equal-length paths.
pub fn betweenness(topo: &Topology) -> Vec<f64> {
    betweenness_of(&undirected_neighbours(topo))
}

/// Brandes on adjacency lists (undirected: each edge in both lists).
pub fn betweenness_of(adj: &[Vec<usize>]) -> Vec<f64> {
    let n = adj.len();
    let mut score = vec![0.0; n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![usize::MAX; n];
    let mut delta = vec![0.0f64; n];
    let mut order = Vec::with_capacity(n);
    let mut queue = VecDeque::with_capacity(n);
    for s in 0..n {
        sigma.fill(0.0);
        dist.fill(usize::MAX);
        delta.fill(0.0);
        order.clear();
        sigma[s] = 1.0;
        dist[s] = 0;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            order.push(v);
            for &w in &adj[v] {
                if dist[w] == usize::MAX {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                }
            }
        }
        for &w in order.iter().rev() {
            for &v in &adj[w] {
                if dist[v] != usize::MAX && dist[v] + 1 == dist[w] {
                    delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
                }
            }
            if w != s {
                score[w] += delta[w];
            }
        }
    }
    // Each unordered pair was counted from both ends.
    score.iter_mut().for_each(|x| *x /= 2.0);
    score
}

/// Node indices ordered by `score` (highest first), ties broken by node id.
///
/// Scores are compared after rounding to 1e-9 relative precision, so nodes
/// that are equal in exact arithmetic tie even if floating-point sums differ
/// in the last bit.
pub fn ranking(topo: &Topology, score: &[f64]) -> Vec<usize> {
    let quantise = |x: f64| (x * 1e9).round();
    let mut idx: Vec<usize> = (0..topo.nodes.len()).collect();
    idx.sort_by(|&a, &b| {
        quantise(score[b])
            .total_cmp(&quantise(score[a]))
            .then_with(|| topo.nodes[a].id.cmp(&topo.nodes[b].id))
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(n: usize) -> Vec<Vec<usize>> {
        (0..n)
            .map(|i| {
                let mut v = Vec::new();
                if i > 0 {
                    v.push(i - 1);
                }
                if i + 1 < n {
                    v.push(i + 1);
                }
                v
            })
            .collect()
    }

    #[test]
    fn path_betweenness_is_i_times_n_minus_1_minus_i() {
        // On a path, node i lies on every path between its i left and n-1-i right nodes.
        let n = 7;
        let b = betweenness_of(&path(n));
        for (i, x) in b.iter().enumerate() {
            assert_eq!(*x, (i * (n - 1 - i)) as f64, "node {i}");
        }
    }

    #[test]
    fn star_centre_carries_every_pair() {
        let leaves = 6;
        let mut adj = vec![(1..=leaves).collect::<Vec<_>>()];
        adj.extend((0..leaves).map(|_| vec![0]));
        let b = betweenness_of(&adj);
        assert_eq!(b[0], (leaves * (leaves - 1) / 2) as f64);
        assert!(b[1..].iter().all(|&x| x == 0.0));
    }

    #[test]
    fn cycle_of_four_splits_paths_evenly() {
        let adj = vec![vec![1, 3], vec![0, 2], vec![1, 3], vec![0, 2]];
        // Each opposite pair has two shortest paths; each middle node gets 1/2.
        assert_eq!(betweenness_of(&adj), vec![0.5; 4]);
    }
}
