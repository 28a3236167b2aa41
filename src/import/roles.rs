//! Roles inferred from the links, and the longest source→sink path.
//!
//! Inference (only for nodes whose file gives no role): a node with no
//! inputs is a source, a node with no outputs a sink, any other a relay. A
//! `both_ways` link is an input and an output of both its ends. A node with
//! no links at all stays a relay (it carries no flow either way).

use super::model::Network;
use crate::scenario::Role;

/// Why a node has its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleOrigin {
    /// The file said so.
    Given,
    /// No inputs, so a source.
    NoInputs,
    /// No outputs, so a sink.
    NoOutputs,
    /// Both inputs and outputs, so a relay.
    Through,
    /// No links at all: kept as a relay.
    Isolated,
}

impl RoleOrigin {
    /// The comment written above the node.
    pub fn comment(self) -> Option<&'static str> {
        match self {
            RoleOrigin::Given => None,
            RoleOrigin::NoInputs => Some("role inferred: no inputs => source"),
            RoleOrigin::NoOutputs => Some("role inferred: no outputs => sink"),
            RoleOrigin::Through => Some("role inferred: inputs and outputs => relay"),
            RoleOrigin::Isolated => {
                Some("role inferred: no links at all => relay (carries no flow)")
            }
        }
    }
}

/// Every node's role and why, in node order.
pub fn infer(net: &Network) -> Vec<(Role, RoleOrigin)> {
    let n = net.nodes.len();
    let (mut ins, mut outs) = (vec![false; n], vec![false; n]);
    for l in &net.links {
        outs[l.from] = true;
        ins[l.to] = true;
        if l.both_ways {
            outs[l.to] = true;
            ins[l.from] = true;
        }
    }
    net.nodes
        .iter()
        .enumerate()
        .map(|(i, node)| match node.role {
            Some(r) => (r, RoleOrigin::Given),
            None => match (ins[i], outs[i]) {
                (false, false) => (Role::Relay, RoleOrigin::Isolated),
                (false, true) => (Role::Source, RoleOrigin::NoInputs),
                (true, false) => (Role::Sink, RoleOrigin::NoOutputs),
                (true, true) => (Role::Relay, RoleOrigin::Through),
            },
        })
        .collect()
}

/// The longest path (most nodes) from a source to a sink, as node indices.
///
/// Exact on acyclic networks. With cycles (two-way links included) the
/// longest simple path is NP-hard, so the links that close a cycle in a
/// depth-first search from the sources (in file order) are dropped first; the
/// result is still a real source→sink path of the network. Ties go to the
/// path found first in file order. `None` when no sink is reachable.
pub fn longest_path(net: &Network, roles: &[Role]) -> Option<Vec<usize>> {
    let n = net.nodes.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in &net.links {
        succ[l.from].push(l.to);
        if l.both_ways {
            succ[l.to].push(l.from);
        }
    }
    // Iterative DFS: postorder, and which edges are back edges (to a node on the stack).
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; n];
    let mut post = Vec::with_capacity(n);
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); n];
    let roots = (0..n).filter(|&i| roles[i] == Role::Source).chain(0..n);
    for root in roots {
        if mark[root] != Mark::New {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::Open;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                match mark[w] {
                    Mark::Open => {} // back edge: dropped
                    Mark::Done => dag[v].push(w),
                    Mark::New => {
                        dag[v].push(w);
                        mark[w] = Mark::Open;
                        stack.push((w, 0));
                    }
                }
            } else {
                mark[v] = Mark::Done;
                post.push(v);
                stack.pop();
            }
        }
    }
    // Longest path by dynamic programming in topological order (reverse postorder).
    let mut len = vec![0usize; n];
    let mut prev = vec![usize::MAX; n];
    for &v in post.iter().rev() {
        if roles[v] == Role::Source && len[v] == 0 {
            len[v] = 1;
        }
        if len[v] == 0 {
            continue;
        }
        for &w in &dag[v] {
            // Ties go to the predecessor first in file order.
            if len[v] + 1 > len[w] || (len[v] + 1 == len[w] && v < prev[w]) {
                len[w] = len[v] + 1;
                prev[w] = v;
            }
        }
    }
    let end = (0..n)
        .filter(|&i| roles[i] == Role::Sink && len[i] > 0)
        .max_by_key(|&i| (len[i], std::cmp::Reverse(i)))?;
    let mut path = vec![end];
    let mut v = end;
    while prev[v] != usize::MAX {
        v = prev[v];
        path.push(v);
    }
    path.reverse();
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::{LinkSpec, NodeSpec};

    fn net(n: usize, links: &[(usize, usize, bool)]) -> Network {
        Network {
            nodes: (0..n)
                .map(|i| NodeSpec {
                    id: format!("n{i}"),
                    ..NodeSpec::default()
                })
                .collect(),
            links: links
                .iter()
                .map(|&(from, to, both_ways)| LinkSpec {
                    from,
                    to,
                    both_ways,
                    ..LinkSpec::default()
                })
                .collect(),
            ..Network::default()
        }
    }

    fn roles(net: &Network) -> Vec<Role> {
        infer(net).into_iter().map(|(r, _)| r).collect()
    }

    /// Every simple path from a source to a sink, by brute force.
    fn brute_longest(net: &Network, roles: &[Role]) -> usize {
        fn go(
            v: usize,
            net: &Network,
            roles: &[Role],
            seen: &mut Vec<bool>,
            best: &mut usize,
            depth: usize,
        ) {
            if roles[v] == Role::Sink {
                *best = (*best).max(depth);
            }
            for l in &net.links {
                for (a, b) in [(l.from, l.to), (l.to, l.from)] {
                    if a == v && (b == l.to || l.both_ways) && !seen[b] {
                        seen[b] = true;
                        go(b, net, roles, seen, best, depth + 1);
                        seen[b] = false;
                    }
                }
            }
        }
        let mut best = 0;
        for s in (0..net.nodes.len()).filter(|&i| roles[i] == Role::Source) {
            let mut seen = vec![false; net.nodes.len()];
            seen[s] = true;
            go(s, net, roles, &mut seen, &mut best, 1);
        }
        best
    }

    #[test]
    fn inference_follows_inputs_and_outputs() {
        let n = net(5, &[(0, 1, false), (1, 2, false), (3, 1, true)]);
        let r = infer(&n);
        assert_eq!(r[0], (Role::Source, RoleOrigin::NoInputs));
        assert_eq!(r[1], (Role::Relay, RoleOrigin::Through));
        assert_eq!(r[2], (Role::Sink, RoleOrigin::NoOutputs));
        assert_eq!(
            r[3],
            (Role::Relay, RoleOrigin::Through),
            "two-way link: inputs and outputs"
        );
        assert_eq!(r[4], (Role::Relay, RoleOrigin::Isolated));
    }

    #[test]
    fn longest_path_on_a_dag_matches_brute_force() {
        // A diamond with a long arm: 0->1->2->3->5 and 0->4->5.
        let n = net(
            6,
            &[
                (0, 4, false),
                (4, 5, false),
                (0, 1, false),
                (1, 2, false),
                (2, 3, false),
                (3, 5, false),
            ],
        );
        let r = roles(&n);
        let p = longest_path(&n, &r).expect("path");
        assert_eq!(p, vec![0, 1, 2, 3, 5]);
        assert_eq!(p.len(), brute_longest(&n, &r));
    }

    #[test]
    fn longest_path_is_exact_on_random_dags_and_a_real_path_with_cycles() {
        use crate::sim::rng::Stream;
        for seed in 0..200u64 {
            let mut s = Stream::new(seed, 0);
            let n = 3 + s.below(6) as usize;
            let mut links = Vec::new();
            let cyclic = seed % 2 == 1;
            for _ in 0..(n * 2) {
                let a = s.below(n as u64) as usize;
                let b = s.below(n as u64) as usize;
                if a == b {
                    continue;
                }
                let (a, b) = if cyclic { (a, b) } else { (a.min(b), a.max(b)) };
                links.push((a, b, cyclic && s.below(4) == 0));
            }
            let nw = net(n, &links);
            let mut r = roles(&nw);
            if cyclic {
                r[0] = Role::Source;
                r[n - 1] = Role::Sink;
            }
            let best = brute_longest(&nw, &r);
            match longest_path(&nw, &r) {
                None => assert_eq!(best, 0, "seed {seed}: a path exists"),
                Some(p) => {
                    assert_eq!(r[p[0]], Role::Source);
                    assert_eq!(r[*p.last().expect("non-empty")], Role::Sink);
                    let mut seen = vec![false; n];
                    for w in p.windows(2) {
                        assert!(
                            nw.links.iter().any(|l| (l.from, l.to) == (w[0], w[1])
                                || l.both_ways && (l.to, l.from) == (w[0], w[1])),
                            "seed {seed}: {w:?} is not a link"
                        );
                    }
                    for &v in &p {
                        assert!(!seen[v], "seed {seed}: path repeats a node");
                        seen[v] = true;
                    }
                    if cyclic {
                        assert!(p.len() <= best);
                    } else {
                        assert_eq!(p.len(), best, "seed {seed}: {links:?}");
                    }
                }
            }
        }
    }
}
