//! An independent formulation of the assembly program (docs/model.md),
//! solved by a dense textbook simplex with Bland's rule: no pruning, no
//! sparse algebra, nothing shared with `chainmesh::network::assembly`.

use chainmesh::scenario::{Role, Topology};

/// Maximise `c·y` subject to `A y ≤ b`, `y ≥ 0`, for `b ≥ 0` (the origin is
/// feasible, so one phase suffices). Returns the optimum.
pub fn simplex_max(c: &[f64], a: &[Vec<f64>], b: &[f64]) -> f64 {
    let (m, nv) = (a.len(), c.len());
    let cols = nv + m + 1;
    let mut t = vec![vec![0.0; cols]; m + 1];
    for i in 0..m {
        assert!(b[i] >= 0.0);
        t[i][..nv].copy_from_slice(&a[i]);
        t[i][nv + i] = 1.0;
        t[i][cols - 1] = b[i];
    }
    for j in 0..nv {
        t[m][j] = -c[j];
    }
    let mut basis: Vec<usize> = (nv..nv + m).collect();
    let eps = 1e-11;
    for _ in 0..200_000 {
        // Bland: the entering column is the lowest index that improves.
        let Some(e) = (0..cols - 1).find(|&j| t[m][j] < -eps) else {
            return t[m][cols - 1];
        };
        let mut leave: Option<(usize, f64)> = None;
        for i in 0..m {
            if t[i][e] > eps {
                let r = t[i][cols - 1] / t[i][e];
                leave = match leave {
                    None => Some((i, r)),
                    Some((k, best)) => {
                        if r < best - 1e-12 || (r <= best + 1e-12 && basis[i] < basis[k]) {
                            Some((i, r))
                        } else {
                            Some((k, best))
                        }
                    }
                };
            }
        }
        let (l, _) = leave.expect("bounded program");
        let pivot = t[l][e];
        for v in t[l].iter_mut() {
            *v /= pivot;
        }
        let row = t[l].clone();
        for (i, r) in t.iter_mut().enumerate() {
            if i != l && r[e] != 0.0 {
                let k = r[e];
                for (x, y) in r.iter_mut().zip(&row) {
                    *x -= k * y;
                }
            }
        }
        basis[l] = e;
    }
    panic!("simplex did not terminate");
}

/// The assembly program of `topo` with the nodes in `down` out of service.
pub fn assembly_optimum(topo: &Topology, down: &[bool]) -> f64 {
    let n = topo.nodes.len();
    // Directed arcs: (from, to, capacity).
    let mut arcs = Vec::new();
    for l in &topo.links {
        arcs.push((l.from, l.to, l.capacity));
        if l.both_ways {
            arcs.push((l.to, l.from, l.capacity));
        }
    }
    let big: f64 = topo.nodes.iter().map(|x| x.capacity).sum::<f64>() + 1.0;
    let sinks: Vec<usize> = (0..n)
        .filter(|&v| topo.nodes[v].role == Role::Sink)
        .collect();
    let nv = n + arcs.len() + sinks.len();
    let xi = |v: usize| v;
    let fi = |k: usize| n + k;
    let di = |s: usize| n + arcs.len() + s;
    let mut c = vec![0.0; nv];
    for s in 0..sinks.len() {
        c[di(s)] = 1.0;
    }
    let mut a = Vec::new();
    let mut b = Vec::new();
    let bound = |j: usize, ub: f64, a: &mut Vec<Vec<f64>>, b: &mut Vec<f64>| {
        let mut r = vec![0.0; nv];
        r[j] = 1.0;
        a.push(r);
        b.push(ub);
    };
    for (v, (&d, node)) in down.iter().zip(&topo.nodes).enumerate() {
        let ub = if d { 0.0 } else { node.capacity };
        bound(xi(v), ub, &mut a, &mut b);
    }
    for (k, &(_, _, cap)) in arcs.iter().enumerate() {
        bound(
            fi(k),
            if cap.is_finite() { cap } else { big },
            &mut a,
            &mut b,
        );
    }
    for (s, &v) in sinks.iter().enumerate() {
        bound(di(s), topo.nodes[v].capacity, &mut a, &mut b);
    }
    for v in 0..n {
        let node = &topo.nodes[v];
        if node.needs.is_empty() {
            if node.role != Role::Source {
                let mut r = vec![0.0; nv];
                r[xi(v)] = 1.0;
                for (k, &(_, to, _)) in arcs.iter().enumerate() {
                    if to == v {
                        r[fi(k)] -= 1.0;
                    }
                }
                a.push(r);
                b.push(0.0);
            }
        } else {
            for (part, &q) in &node.needs {
                let mut r = vec![0.0; nv];
                r[xi(v)] = q;
                for (k, &(from, to, _)) in arcs.iter().enumerate() {
                    if to == v && topo.nodes[from].product.as_deref() == Some(part.as_str()) {
                        r[fi(k)] -= 1.0;
                    }
                }
                a.push(r);
                b.push(0.0);
            }
        }
        let mut r = vec![0.0; nv];
        r[xi(v)] = -1.0;
        for (k, &(from, _, _)) in arcs.iter().enumerate() {
            if from == v {
                r[fi(k)] += 1.0;
            }
        }
        if let Some(s) = sinks.iter().position(|&w| w == v) {
            r[di(s)] = 1.0;
        }
        a.push(r);
        b.push(0.0);
    }
    simplex_max(&c, &a, &b)
}
