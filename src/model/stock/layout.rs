//! What both ways of computing a stocked step share: the stocked nodes in
//! rank order and their levels' bounds ([`StockLayout`]), the ranking
//! itself ([`stock_ranking`]), and what one step delivered and did to the
//! stock ([`StockStep`]).

use crate::scenario::{Role, Topology};

/// The stocked nodes of a topology in rank order, with their levels'
/// bounds: what both ways of computing a stocked step share.
#[derive(Debug, Clone)]
pub struct StockLayout {
    /// Stocked nodes in rank order ([`stock_ranking`]).
    pub(super) ranked: Vec<usize>,
    /// Per rank: most units held, and units held at step 0.
    pub(super) max: Vec<f64>,
    initial: Vec<f64>,
    /// 1e-9 of the largest capacity or stock: levels within it of 0 or
    /// max are snapped there.
    pub(super) tol: f64,
}

impl StockLayout {
    /// The layout of `topo`'s stocked nodes.
    pub fn new(topo: &Topology) -> StockLayout {
        let ranked = stock_ranking(topo);
        let largest = topo
            .nodes
            .iter()
            .map(|x| x.capacity.max(x.stock.max))
            .fold(0.0, f64::max);
        StockLayout {
            max: ranked.iter().map(|&v| topo.nodes[v].stock.max).collect(),
            initial: ranked
                .iter()
                .map(|&v| topo.nodes[v].stock.initial)
                .collect(),
            ranked,
            tol: 1e-9 * largest.max(1.0),
        }
    }

    /// The stocked nodes in rank order (nearest a sink first, ties by id;
    /// nodes that reach no sink last). Levels are indexed by rank.
    pub fn ranked(&self) -> &[usize] {
        &self.ranked
    }

    /// Per rank: the level at step 0.
    pub fn initial(&self) -> &[f64] {
        &self.initial
    }

    /// Per rank: the most units held.
    pub fn max(&self) -> &[f64] {
        &self.max
    }

    /// The snapping tolerance.
    pub fn tol(&self) -> f64 {
        self.tol
    }

    /// Rank `j`'s level after drawing `y` and refilling `r`, snapped to 0
    /// or max within the tolerance (so it stays in [0, max]).
    pub fn settle(&self, j: usize, level: f64, y: f64, r: f64) -> f64 {
        let next = level - y + r;
        if next <= self.tol {
            0.0
        } else if next >= self.max[j] - self.tol {
            self.max[j]
        } else {
            next
        }
    }
}

/// What one step delivered and did to the stock.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StockStep {
    /// Units delivered to sinks (Σ d_v).
    pub delivered: f64,
    /// Units drawn from stock (Σ y_v).
    pub drawn: f64,
    /// Units put into stock (Σ r_v).
    pub refilled: f64,
    /// The least variable cost of the step (the cost stage; 0 when the
    /// program computes none: [`super::StockNetwork`] leaves it to
    /// [`super::CostFlow`], which reads [`super::StockScratch::draws`]).
    pub variable: f64,
}

/// Stocked nodes ranked by directed hop distance to the nearest sink in the
/// intact topology (`both_ways` links both ways), ascending; nodes that
/// reach no sink last; ties by id (string order).
pub fn stock_ranking(topo: &Topology) -> Vec<usize> {
    let n = topo.nodes.len();
    // Reverse BFS from every sink over reversed arcs.
    let mut pred = vec![Vec::new(); n];
    for l in &topo.links {
        pred[l.to].push(l.from);
        if l.both_ways {
            pred[l.from].push(l.to);
        }
    }
    let mut dist = vec![usize::MAX; n];
    let mut queue = std::collections::VecDeque::new();
    for (i, node) in topo.nodes.iter().enumerate() {
        if node.role == Role::Sink {
            dist[i] = 0;
            queue.push_back(i);
        }
    }
    while let Some(u) = queue.pop_front() {
        for &p in &pred[u] {
            if dist[p] == usize::MAX {
                dist[p] = dist[u] + 1;
                queue.push_back(p);
            }
        }
    }
    let mut ranked: Vec<usize> = (0..n)
        .filter(|&i| topo.nodes[i].stock.is_stocked())
        .collect();
    ranked.sort_by(|&a, &b| {
        dist[a]
            .cmp(&dist[b])
            .then_with(|| topo.nodes[a].id.cmp(&topo.nodes[b].id))
    });
    ranked
}
