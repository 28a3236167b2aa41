//! Largest connected component along a removal order, Newman–Ziff style:
//! nodes are added back in reverse removal order and merged with a
//! union-find, so the whole curve (every k = 0..=n) costs O(N + E · α(N)).

/// `sizes[k]` = nodes in the largest (weakly) connected component once the
/// first `k` nodes of `order` are removed, for `k = 0..=n`.
///
/// `adj` is undirected (each edge in both lists); `order` is a permutation of `0..n`.
pub fn largest_component_sizes(adj: &[Vec<usize>], order: &[usize]) -> Vec<usize> {
    let n = adj.len();
    debug_assert_eq!(order.len(), n);
    let mut parent: Vec<usize> = (0..n).collect();
    let mut size = vec![1usize; n];
    let mut present = vec![false; n];
    // by_present[p] = largest component with p nodes present.
    let mut by_present = Vec::with_capacity(n + 1);
    by_present.push(0);
    let mut largest = 0;
    for &v in order.iter().rev() {
        present[v] = true;
        largest = largest.max(1);
        for &u in &adj[v] {
            if !present[u] {
                continue;
            }
            let (a, b) = (find(&mut parent, u), find(&mut parent, v));
            if a != b {
                // Union by size.
                let (big, small) = if size[a] >= size[b] { (a, b) } else { (b, a) };
                parent[small] = big;
                size[big] += size[small];
                largest = largest.max(size[big]);
            }
        }
        by_present.push(largest);
    }
    by_present.reverse();
    by_present
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Largest connected component among the nodes with `alive[v]`, by BFS
/// (the slow oracle for [`largest_component_sizes`]).
pub fn largest_component_bfs(adj: &[Vec<usize>], alive: &[bool]) -> usize {
    let n = adj.len();
    let mut seen = vec![false; n];
    let mut best = 0;
    let mut stack = Vec::new();
    for s in 0..n {
        if !alive[s] || seen[s] {
            continue;
        }
        seen[s] = true;
        stack.push(s);
        let mut count = 0;
        while let Some(v) = stack.pop() {
            count += 1;
            for &u in &adj[v] {
                if alive[u] && !seen[u] {
                    seen[u] = true;
                    stack.push(u);
                }
            }
        }
        best = best.max(count);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_broken_in_the_middle() {
        // 0-1-2-3-4, remove 2 then 0 then the rest.
        let adj = vec![vec![1], vec![0, 2], vec![1, 3], vec![2, 4], vec![3]];
        let sizes = largest_component_sizes(&adj, &[2, 0, 1, 3, 4]);
        assert_eq!(sizes, vec![5, 2, 2, 2, 1, 0]);
    }
}
