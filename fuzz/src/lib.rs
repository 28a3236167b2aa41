//! The checks behind chainmesh's fuzz targets, shared with the replay test.
//!
//! * [`check_parse`]: arbitrary bytes through `Scenario::from_bytes`; errors
//!   must render, accepted scenarios must satisfy every documented invariant
//!   and survive a short run.
//! * [`check_engine`]: the bytes decode (with a tiny hand-written reader, see
//!   [`EngineCase`]) into a small scenario rendered as TOML; valid ones are run
//!   for a few trials and every engine invariant is asserted.
//! * [`check_shock_arg`]: arbitrary text through `parse_shock_arg` against a
//!   fixed scenario; accepted shocks are injected into a live run.
//!
//! This file depends on nothing but `chainmesh` and `std`: the main crate's
//! `tests/fuzz_regressions.rs` includes it with `#[path]` and replays every
//! saved input through the very same code, without libFuzzer.

use std::fmt::Write as _;

use chainmesh::network::{FlowNetwork, FlowSolver};
use chainmesh::scenario::{
    Amount, InputError, MAX_STEPS, Repair, Role, Scenario, Selection, Shock, parse_shock_arg,
};
use chainmesh::sim::{
    Event, EventKind, FlowCache, MetricsAccumulator, Prepared, TrialMetrics, run_trials,
};

/// Steps run per trial at most (longer scenarios are cut short).
pub const MAX_RUN_STEPS: u32 = 50;
/// Scenarios with more nodes than this (all topologies) are validated but not run.
const MAX_RUN_NODES: usize = 256;

// ---------------------------------------------------------------------------
// parse

/// Parse target: `Scenario::from_bytes` on arbitrary bytes never panics; a
/// rejection renders cleanly; an accepted scenario is fully consistent.
pub fn check_parse(data: &[u8]) {
    match Scenario::from_bytes("fuzz.toml", data).and_then(compiled) {
        Err(e) => check_error(&e),
        Ok(s) => {
            check_scenario(&s);
            short_run(&s, None);
        }
    }
}

/// A parsed scenario that also passes the checks of its compiled flow
/// networks (every source reaches a sink, positive baseline), as `check` does.
fn compiled(s: Scenario) -> Result<Scenario, InputError> {
    Prepared::new(s).map(|p| p.scenario)
}

/// An input error has a message, a sane position, and renders without
/// panicking and without control characters that could drive a terminal.
pub fn check_error(e: &InputError) {
    assert!(!e.message.is_empty(), "empty error message: {e:?}");
    assert_eq!(e.line == 0, e.column == 0, "half a position: {e:?}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&e.summary()),
        "display does not start with the summary: {shown:?}"
    );
    if let Some(c) = shown
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        panic!("control character {c:?} in a rendered error: {shown:?}");
    }
}

/// Every documented property of a validated scenario.
pub fn check_scenario(s: &Scenario) {
    assert!(!s.name.trim().is_empty());
    assert!((1..=MAX_STEPS).contains(&s.steps), "steps {}", s.steps);
    assert!(s.trials >= 1);
    let sl = s.service_level;
    assert!(
        sl.is_finite() && sl > 0.0 && sl <= 1.0,
        "service_level {sl}"
    );
    assert_eq!(s.sha256.len(), 64);
    assert!(s.sha256.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!s.topologies.is_empty());
    for (k, t) in s.topologies.iter().enumerate() {
        assert!(
            s.topologies[..k].iter().all(|o| o.id != t.id),
            "duplicate topology id {:?}",
            t.id
        );
        let n = t.nodes.len();
        assert!(n >= 1);
        assert!(t.nodes.iter().any(|x| x.role == Role::Source));
        assert!(t.nodes.iter().any(|x| x.role == Role::Sink));
        for (i, node) in t.nodes.iter().enumerate() {
            assert!(!node.id.is_empty());
            assert_eq!(
                t.node_index(&node.id),
                Some(i),
                "duplicate node id {:?}",
                node.id
            );
            let c = node.capacity;
            assert!(c.is_finite() && c > 0.0 && c <= 1e15, "capacity {c}");
            let p = node.failure_rate;
            assert!(p.is_finite() && (0.0..1.0).contains(&p), "failure_rate {p}");
            match node.repair {
                Repair::Fixed { steps } => assert!(steps >= 1),
                Repair::Uniform { min, max } => assert!(1 <= min && min <= max),
                Repair::Geometric { mean } => assert!(mean.is_finite() && mean >= 1.0),
            }
            assert!(node.repair.mean() >= 1.0);
        }
        for l in &t.links {
            assert!(l.from < n && l.to < n && l.from != l.to);
            assert!(l.capacity > 0.0, "link capacity {}", l.capacity);
            assert!(l.capacity.is_finite() || l.capacity == f64::INFINITY);
        }
        let net = FlowNetwork::new(t);
        assert_eq!(net.node_count(), n);
        let b = net.baseline();
        assert!(b.is_finite() && b > 0.0, "baseline {b} of {:?}", t.id);
    }
    let largest = s
        .topologies
        .iter()
        .map(|t| t.nodes.len())
        .max()
        .unwrap_or(0);
    for sh in &s.shocks {
        check_shock(sh, s.steps, largest);
    }
}

fn check_shock(sh: &Shock, steps: u32, largest: usize) {
    assert!(sh.at < steps, "shock at {} of {steps} steps", sh.at);
    if let Some(d) = sh.duration {
        assert!(d >= 1);
    }
    match &sh.select {
        Selection::Random(a) | Selection::Degree(a) | Selection::Betweenness(a) => match *a {
            Amount::Count(c) => assert!(c >= 1 && c as usize <= largest, "count {c}"),
            Amount::Fraction(f) => assert!(f.is_finite() && f > 0.0 && f <= 1.0, "fraction {f}"),
        },
        Selection::Sector(sec) => assert!(!sec.is_empty()),
        Selection::Nodes(ids) => assert!(!ids.is_empty()),
    }
}

/// One trial of at most [`MAX_RUN_STEPS`] steps per topology, every step
/// checked; `extra` is a shock added to the live run before step `.0`.
fn short_run(s: &Scenario, extra: Option<(u32, &Shock)>) {
    let total: usize = s.topologies.iter().map(|t| t.nodes.len()).sum();
    if total > MAX_RUN_NODES {
        return;
    }
    let prep = Prepared::new(s.clone()).expect("scenario compiles");
    for t in 0..prep.topologies.len() {
        let mut cache = FlowCache::default();
        trace(&prep, t, s.seed, 0, &mut cache, extra);
    }
}

// ---------------------------------------------------------------------------
// engine

/// Engine target: a small valid scenario decoded from `data`, run for a few
/// trials with every invariant asserted.
pub fn check_engine(data: &[u8]) {
    let case = EngineCase::decode(data);
    let text = case.render();
    let s = match Scenario::from_toml("engine.toml", &text).and_then(compiled) {
        Ok(s) => s,
        Err(e) => {
            // The generator makes mostly valid files; the rest must be
            // rejected cleanly (and are then skipped).
            check_error(&e);
            return;
        }
    };
    check_scenario(&s);
    let extra = case
        .extra_arg(&s)
        .and_then(|(at, arg)| match parse_shock_arg(&arg, &s) {
            Ok(shock) => {
                let largest = s
                    .topologies
                    .iter()
                    .map(|t| t.nodes.len())
                    .max()
                    .unwrap_or(0);
                check_shock(&shock, s.steps, largest);
                Some((at, shock))
            }
            Err(e) => {
                check_error(&e);
                None
            }
        });
    engine_invariants(&s, case.trials, extra.as_ref().map(|(at, sh)| (*at, sh)));
}

/// One step as recorded for the determinism comparison (floats as bits).
#[derive(Debug, PartialEq, Eq)]
struct Rec {
    throughput: u64,
    service: u64,
    down: usize,
    mask: Vec<bool>,
    events: Vec<Event>,
}

/// Run trial `trial` of topology `t` to the end (at most [`MAX_RUN_STEPS`]),
/// asserting the per-step invariants; returns the records and the φ values.
fn trace(
    prep: &Prepared,
    t: usize,
    seed: u64,
    trial: u64,
    cache: &mut FlowCache,
    extra: Option<(u32, &Shock)>,
) -> (Vec<Rec>, Vec<f64>) {
    use chainmesh::sim::TopologyRun;
    let net = &prep.topologies[t].net;
    let n = net.node_count();
    let baseline = net.baseline();
    let mut fresh = FlowSolver::default();
    let mut run = TopologyRun::new(prep, t, seed, trial);
    let mut recs = Vec::new();
    let mut phis = Vec::new();
    let mut last_mask: Option<Vec<bool>> = None;
    loop {
        if run.step_index() >= MAX_RUN_STEPS {
            break;
        }
        if let Some((at, shock)) = extra
            && run.step_index() == at
        {
            run.add_shock(prep, shock);
        }
        let Some(rec) = run.step(prep, cache) else {
            break;
        };
        let step = rec.step;
        let mask = run.down_mask().to_vec();
        let phi = rec.service;
        let ctx =
            || format!("topology {t}, seed {seed}, trial {trial}, step {step}, down {mask:?}");
        assert!(
            phi.is_finite() && (0.0..=1.0).contains(&phi),
            "φ = {phi} out of [0, 1] ({})",
            ctx()
        );
        assert!(
            rec.throughput >= 0.0 && rec.throughput <= baseline,
            "throughput {} vs baseline {baseline} ({})",
            rec.throughput,
            ctx()
        );
        assert_eq!(rec.down, mask.iter().filter(|d| **d).count(), "{}", ctx());
        if rec.down == 0 {
            assert_eq!(phi, 1.0, "nothing down but φ = {phi} ({})", ctx());
            assert_eq!(rec.throughput, baseline, "{}", ctx());
        }
        // A node may come up and go down again within one step: its last
        // event of the step says where it ended up.
        let mut last = vec![None; n];
        for e in run.events() {
            assert_eq!(e.step, step);
            assert!(e.node < n);
            if let EventKind::Down { until, .. } = e.kind {
                assert!(until > step, "down until {until} at step {step}");
            }
            last[e.node] = Some(matches!(e.kind, EventKind::Down { .. }));
        }
        for (i, l) in last.iter().enumerate() {
            if let Some(down) = *l {
                assert_eq!(
                    mask[i],
                    down,
                    "node {i}: last event disagrees with its state ({})",
                    ctx()
                );
            }
        }
        for (i, &d) in mask.iter().enumerate() {
            if d {
                assert!(run.down_until(i) > step, "node {i} ({})", ctx());
            }
        }
        if last_mask.as_ref() != Some(&mask) {
            // The throughput is a pure function of the down-set, whatever the
            // cache mode, and knocking out one more node never raises it.
            let solved = net.max_flow(&mask, &mut fresh);
            assert_eq!(
                rec.throughput.to_bits(),
                solved.to_bits(),
                "cached {} vs fresh {solved} ({})",
                rec.throughput,
                ctx()
            );
            for i in (0..n).filter(|&i| !mask[i]) {
                let mut more = mask.clone();
                more[i] = true;
                let f = net.max_flow(&more, &mut fresh);
                assert!(
                    f <= rec.throughput,
                    "knocking out node {i} raised the flow {} -> {f} ({})",
                    rec.throughput,
                    ctx()
                );
            }
        }
        recs.push(Rec {
            throughput: rec.throughput.to_bits(),
            service: phi.to_bits(),
            down: rec.down,
            mask: mask.clone(),
            events: run.events().to_vec(),
        });
        phis.push(phi);
        last_mask = Some(mask);
    }
    (recs, phis)
}

fn metric_bits(m: &TrialMetrics) -> [u64; 5] {
    m.values().map(f64::to_bits)
}

fn check_metrics(m: &TrialMetrics, steps: u32) {
    let [service, nadir, below, recovery, collapse] = m.values();
    assert!((0.0..=1.0).contains(&service), "service {service}");
    assert!((0.0..=1.0).contains(&nadir), "nadir {nadir}");
    assert!(nadir <= service + 1e-12, "nadir {nadir} > mean {service}");
    assert!((0.0..=1.0).contains(&below), "below {below}");
    assert!(
        (0.0..=f64::from(steps)).contains(&recovery),
        "recovery {recovery}"
    );
    assert!(collapse == 0.0 || collapse == 1.0, "collapse {collapse}");
}

/// All engine invariants on a validated scenario.
fn engine_invariants(s: &Scenario, trials: u64, extra: Option<(u32, &Shock)>) {
    let total: usize = s.topologies.iter().map(|t| t.nodes.len()).sum();
    if total > MAX_RUN_NODES || s.steps > MAX_RUN_STEPS {
        return;
    }
    let prep = Prepared::new(s.clone()).expect("scenario compiles");
    let seed = s.seed;
    let k = prep.topologies.len();
    // Metrics from our own traces, trial-major like TrialTable.
    let mut expected = Vec::new();
    let mut caches: Vec<FlowCache> = (0..k).map(|_| FlowCache::default()).collect();
    for trial in 0..trials {
        for (t, cache) in caches.iter_mut().enumerate() {
            // A cache warmed by earlier trials and a fresh one agree bit for bit.
            let (a, phis) = trace(&prep, t, seed, trial, cache, None);
            let (b, _) = trace(&prep, t, seed, trial, &mut FlowCache::default(), None);
            assert!(a == b, "(seed {seed}, trial {trial}) replayed differently");
            assert_eq!(a.len(), s.steps as usize);
            let mut acc = MetricsAccumulator::new(s.service_level);
            phis.iter().for_each(|&p| acc.push(p));
            expected.push(acc.finish());
            if extra.is_some() {
                let (x, _) = trace(&prep, t, seed, trial, cache, extra);
                let (y, _) = trace(&prep, t, seed, trial, &mut FlowCache::default(), extra);
                assert!(
                    x == y,
                    "(seed {seed}, trial {trial}) + added shock replayed differently"
                );
            }
        }
    }
    let table = run_trials(&prep, seed, 0..trials);
    let again = run_trials(&prep, seed, 0..trials);
    assert_eq!(table.topologies, k);
    assert_eq!(table.values.len(), expected.len());
    for ((m, m2), e) in table.values.iter().zip(&again.values).zip(&expected) {
        check_metrics(m, s.steps);
        assert_eq!(
            metric_bits(m),
            metric_bits(m2),
            "run_trials is not deterministic"
        );
        assert_eq!(
            metric_bits(m),
            metric_bits(e),
            "run_trials {m:?} vs stepped {e:?}"
        );
    }
}

/// Reads the fuzz input a byte at a time; zeros once it runs out (so every
/// input, even an empty one, decodes to something).
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    /// In `0..n` (n >= 1).
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.u8()) % n.max(1)
    }
    fn flag(&mut self) -> bool {
        self.u8() & 1 == 1
    }
    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| (acc << 8) | u64::from(self.u8()))
    }
    /// Raw bits: any f64 at all, NaN and infinities included.
    fn any_f64(&mut self) -> f64 {
        f64::from_bits(self.u64())
    }
    /// m × 10^e for m in 1..=9, e in -14..=15: tiny to huge, all valid capacities.
    fn decade(&mut self) -> f64 {
        let m = 1 + self.below(9) as i32;
        let e = self.below(30) as i32 - 14;
        format!("{m}e{e}").parse().unwrap_or(1.0)
    }
}

/// A TOML value as text. Floats use Rust's shortest round-trip spelling,
/// which is valid TOML (NaN and infinities in TOML's spelling).
#[derive(Debug, Clone)]
enum Num {
    Int(i64),
    Float(f64),
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Float(x) if x.is_nan() => f.write_str("nan"),
            Num::Float(x) if x == f64::INFINITY => f.write_str("inf"),
            Num::Float(x) if x == f64::NEG_INFINITY => f.write_str("-inf"),
            Num::Float(x) => write!(f, "{x:?}"),
        }
    }
}

fn capacity(r: &mut Bytes<'_>) -> Num {
    match r.u8() % 16 {
        0..=8 => Num::Int(1 + r.below(20) as i64),
        9 | 10 => Num::Float((1.0 + f64::from(r.u8())) / 8.0),
        11 | 12 => Num::Float(r.decade()),
        13 => Num::Float(1e15),
        14 => Num::Float((1.0 + f64::from(r.u8())) * 0.1),
        // Anything, usually rejected by validation.
        _ => Num::Float(r.any_f64()),
    }
}

fn failure_rate(r: &mut Bytes<'_>) -> Num {
    let p = failure_rate_any(r);
    match p {
        // See avoid_known_bugs.
        Num::Float(x) if avoid_known_bugs() && x > 0.0 && x < 1e-15 => Num::Int(0),
        p => p,
    }
}

fn failure_rate_any(r: &mut Bytes<'_>) -> Num {
    match r.u8() % 16 {
        0..=3 => Num::Int(0),
        4..=8 => Num::Float(f64::from(r.u8()) / 256.0 * 0.3),
        9 | 10 => Num::Float(f64::from(r.u8()) / 256.0),
        // Survival 2^-k: failures almost every step.
        11 => Num::Float(1.0 - 0.5f64.powi(1 + r.below(53) as i32)),
        // 1e-1 .. 1e-320: failures (almost) never.
        12..=14 => Num::Float(format!("1e-{}", 1 + r.below(320)).parse().unwrap_or(0.0)),
        _ => Num::Float(r.any_f64()),
    }
}

/// `CHAINMESH_FUZZ_AVOID_KNOWN=1` steers the engine generator around bugs
/// already reported but not yet fixed, so a long run can find new ones (see
/// fuzz/README.md). Currently: failure rates below 1e-15 (become 0), whose geometric
/// survival draw overflows `from + k` when a node is rescheduled after a
/// repair (tests/fuzz_regressions/engine/crash-failure-reschedule-overflow).
fn avoid_known_bugs() -> bool {
    static AVOID: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVOID.get_or_init(|| std::env::var_os("CHAINMESH_FUZZ_AVOID_KNOWN").is_some_and(|v| v == "1"))
}

fn repair(r: &mut Bytes<'_>) -> String {
    match r.u8() % 8 {
        0..=2 => format!("{{ dist = \"fixed\", steps = {} }}", 1 + r.below(12)),
        3 | 4 => {
            let min = 1 + r.below(6);
            format!(
                "{{ dist = \"uniform\", min = {min}, max = {} }}",
                min + r.below(8)
            )
        }
        5 | 6 => format!(
            "{{ dist = \"geometric\", mean = {} }}",
            Num::Float(1.0 + f64::from(r.u8()) / 16.0)
        ),
        _ => match r.u8() % 3 {
            0 => "{ dist = \"fixed\", steps = 1000000 }".to_string(),
            1 => "{ dist = \"uniform\", min = 1, max = 1000000 }".to_string(),
            _ => "{ dist = \"geometric\", mean = 1000000.0 }".to_string(),
        },
    }
}

#[derive(Debug, Clone)]
struct NodeDesc {
    role: Option<&'static str>,
    capacity: Option<Num>,
    failure_rate: Option<Num>,
    repair: Option<String>,
    sector: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct LinkDesc {
    from: usize,
    to: usize,
    capacity: Option<Num>,
    both_ways: Option<bool>,
}

#[derive(Debug, Clone)]
struct TopoDesc {
    nodes: Vec<NodeDesc>,
    links: Vec<LinkDesc>,
}

#[derive(Debug, Clone)]
struct ShockDesc {
    at: u32,
    select: String,
    duration: Option<u32>,
}

/// A compact scenario description decoded from fuzz bytes: 1–2 topologies
/// of 2–12 nodes, ≤ 50 steps, ≤ 3 trials, up to 4 shocks, and optionally a
/// `--shock` argument injected into the live run (the TUI's knock-out path).
#[derive(Debug, Clone)]
pub struct EngineCase {
    steps: u32,
    /// Trials run (1..=3).
    pub trials: u64,
    seed: u32,
    service_level: Option<Num>,
    defaults: Vec<String>,
    topologies: Vec<TopoDesc>,
    shocks: Vec<ShockDesc>,
    /// (step at which it is added, argument template choice bytes)
    extra: Option<(u32, [u8; 4])>,
}

const SECTORS: [&str; 2] = ["s0", "s1"];

impl EngineCase {
    /// Decode `data` (any bytes; missing ones read as zero).
    pub fn decode(data: &[u8]) -> EngineCase {
        let r = &mut Bytes { data, pos: 0 };
        let steps = 1 + r.below(MAX_RUN_STEPS as usize) as u32;
        let trials = 1 + r.below(3) as u64;
        let seed = u32::from(r.u8()) | (u32::from(r.u8()) << 8);
        let service_level = match r.u8() % 4 {
            0 => Some(Num::Float((1.0 + f64::from(r.u8())) / 256.0)),
            1 => Some(Num::Int(1)),
            _ => None,
        };
        let mut defaults = Vec::new();
        let d = r.u8();
        if d & 1 != 0 {
            defaults.push(format!("capacity = {}", capacity(r)));
        }
        if d & 2 != 0 {
            defaults.push(format!("failure_rate = {}", failure_rate(r)));
        }
        if d & 4 != 0 {
            defaults.push(format!("repair = {}", repair(r)));
        }
        let topo_count = 1 + r.below(2);
        let topologies: Vec<TopoDesc> = (0..topo_count).map(|_| Self::topology(r)).collect();
        let largest = topologies.iter().map(|t| t.nodes.len()).max().unwrap_or(2);
        let shocks = (0..r.below(5))
            .map(|_| {
                let at = r.below(steps as usize) as u32;
                let select = match r.u8() % 8 {
                    k @ 0..=4 => {
                        let kind =
                            ["random", "degree", "betweenness", "random", "degree"][usize::from(k)];
                        if r.flag() {
                            format!("select = \"{kind}\"\ncount = {}", 1 + r.below(largest))
                        } else {
                            let f = Num::Float((1.0 + f64::from(r.u8())) / 256.0);
                            format!("select = \"{kind}\"\nfraction = {f}")
                        }
                    }
                    5 => format!("select = \"sector\"\nsector = \"{}\"", SECTORS[r.below(2)]),
                    _ => {
                        let ids: Vec<String> = (0..1 + r.below(3))
                            .map(|_| format!("\"n{}\"", r.below(largest)))
                            .collect();
                        format!("select = \"nodes\"\nnodes = [{}]", ids.join(", "))
                    }
                };
                let duration = match r.u8() % 4 {
                    0 | 1 => None,
                    2 => Some(1 + r.below(20) as u32),
                    _ => Some(if r.flag() {
                        1_000_000
                    } else {
                        1 + r.below(steps as usize) as u32
                    }),
                };
                ShockDesc {
                    at,
                    select,
                    duration,
                }
            })
            .collect();
        let extra = r.flag().then(|| {
            (
                r.below(steps as usize) as u32,
                [r.u8(), r.u8(), r.u8(), r.u8()],
            )
        });
        EngineCase {
            steps,
            trials,
            seed,
            service_level,
            defaults,
            topologies,
            shocks,
            extra,
        }
    }

    fn topology(r: &mut Bytes<'_>) -> TopoDesc {
        let n = 2 + r.below(11);
        let shape = r.u8();
        let free_roles = shape.is_multiple_of(16);
        let nodes = (0..n)
            .map(|i| {
                let role = match (i, free_roles, r.u8() % 8) {
                    (0, false, _) => Some("source"),
                    (i, false, _) if i == n - 1 => Some("sink"),
                    (_, _, 0) => Some("source"),
                    (_, _, 1) => Some("sink"),
                    (_, _, 2) => None,
                    _ => Some("relay"),
                };
                let f = r.u8();
                NodeDesc {
                    role,
                    capacity: (f & 1 != 0).then(|| capacity(r)),
                    failure_rate: (f & 2 != 0).then(|| failure_rate(r)),
                    repair: (f & 4 != 0).then(|| repair(r)),
                    sector: match f >> 6 {
                        0 | 1 => None,
                        k => Some(SECTORS[usize::from(k - 2)]),
                    },
                }
            })
            .collect();
        let mut links = Vec::new();
        // Usually a spine 0 → 1 → … → n-1, so a path from source to sink exists.
        if shape & 0x30 != 0 {
            for i in 0..n - 1 {
                links.push(LinkDesc {
                    from: i,
                    to: i + 1,
                    capacity: None,
                    both_ways: None,
                });
            }
        }
        for _ in 0..r.below(2 * n + 1) {
            let from = r.below(n);
            let mut to = r.below(n);
            if to == from {
                to = (to + 1) % n;
            }
            let f = r.u8();
            links.push(LinkDesc {
                from,
                to,
                capacity: (f & 1 != 0).then(|| capacity(r)),
                both_ways: match (f >> 1) & 3 {
                    0 => None,
                    1 => Some(false),
                    _ => Some(true),
                },
            });
        }
        TopoDesc { nodes, links }
    }

    /// The scenario as a TOML file.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "[scenario]\nname = \"fuzz\"\nsector = \"other\"");
        let _ = writeln!(
            s,
            "steps = {}\ntrials = {}\nseed = {}",
            self.steps, self.trials, self.seed
        );
        if let Some(v) = &self.service_level {
            let _ = writeln!(s, "service_level = {v}");
        }
        if !self.defaults.is_empty() {
            let _ = writeln!(s, "\n[defaults]\n{}", self.defaults.join("\n"));
        }
        for sh in &self.shocks {
            let _ = writeln!(s, "\n[[shock]]\nat = {}\n{}", sh.at, sh.select);
            if let Some(d) = sh.duration {
                let _ = writeln!(s, "duration = {d}");
            }
        }
        for (k, t) in self.topologies.iter().enumerate() {
            let _ = writeln!(s, "\n[[topology]]\nid = \"t{k}\"");
            for (i, node) in t.nodes.iter().enumerate() {
                let _ = writeln!(s, "[[topology.node]]\nid = \"n{i}\"");
                if let Some(role) = node.role {
                    let _ = writeln!(s, "role = \"{role}\"");
                }
                if let Some(c) = &node.capacity {
                    let _ = writeln!(s, "capacity = {c}");
                }
                if let Some(p) = &node.failure_rate {
                    let _ = writeln!(s, "failure_rate = {p}");
                }
                if let Some(rep) = &node.repair {
                    let _ = writeln!(s, "repair = {rep}");
                }
                if let Some(sec) = node.sector {
                    let _ = writeln!(s, "sector = \"{sec}\"");
                }
            }
            for l in &t.links {
                let _ = writeln!(
                    s,
                    "[[topology.link]]\nfrom = \"n{}\"\nto = \"n{}\"",
                    l.from, l.to
                );
                if let Some(c) = &l.capacity {
                    let _ = writeln!(s, "capacity = {c}");
                }
                if let Some(b) = l.both_ways {
                    let _ = writeln!(s, "both_ways = {b}");
                }
            }
        }
        s
    }

    /// The `--shock` argument added to the live run, and the step before which
    /// it is added.
    fn extra_arg(&self, s: &Scenario) -> Option<(u32, String)> {
        let (at_step, b) = self.extra?;
        let n = s
            .topologies
            .iter()
            .map(|t| t.nodes.len())
            .max()
            .unwrap_or(1);
        let at = u32::from(b[0]) % s.steps;
        let mut arg = format!("at={at},");
        match b[1] % 4 {
            0 => {
                let _ = write!(arg, "select=nodes,nodes=n{}", usize::from(b[2]) % n);
                if b[2] & 0x80 != 0 {
                    let _ = write!(arg, ",n{}", usize::from(b[3]) % n);
                }
            }
            1 => {
                let _ = write!(arg, "select=random,count={}", 1 + usize::from(b[2]) % n);
            }
            2 => {
                let _ = write!(
                    arg,
                    "select=degree,fraction={}",
                    Num::Float((1.0 + f64::from(b[2])) / 256.0)
                );
            }
            _ => {
                let _ = write!(
                    arg,
                    "select=betweenness,count={}",
                    1 + usize::from(b[2]) % n
                );
            }
        }
        if b[3] & 1 != 0 {
            let _ = write!(arg, ",duration={}", 1 + b[3] / 2);
        }
        Some((at_step, arg))
    }
}

// ---------------------------------------------------------------------------
// shock_arg

/// The scenario `--shock` arguments are validated against in the shock_arg target.
pub const SHOCK_ARG_SCENARIO: &str = r#"
[scenario]
name = "shock-arg"
sector = "other"
steps = 20
seed = 7

[[topology]]
id = "chain"
[[topology.node]]
id = "farm"
role = "source"
sector = "agriculture"
failure_rate = 0.05
[[topology.node]]
id = "mill"
sector = "manufacturing"
[[topology.node]]
id = "shop"
role = "sink"
[[topology.link]]
from = "farm"
to = "mill"
[[topology.link]]
from = "mill"
to = "shop"

[[topology]]
id = "mesh"
[[topology.node]]
id = "farm"
role = "source"
sector = "agriculture"
repair = { dist = "geometric", mean = 3.0 }
[[topology.node]]
id = "coop"
role = "source"
capacity = 50
[[topology.node]]
id = "mill"
sector = "manufacturing"
[[topology.node]]
id = "hub"
capacity = 70.5
[[topology.node]]
id = "shop"
role = "sink"
[[topology.link]]
from = "farm"
to = "mill"
[[topology.link]]
from = "coop"
to = "hub"
capacity = 40
[[topology.link]]
from = "mill"
to = "hub"
both_ways = true
[[topology.link]]
from = "hub"
to = "shop"
[[topology.link]]
from = "mill"
to = "shop"
"#;

/// shock_arg target: `parse_shock_arg` on arbitrary text never panics; an
/// accepted shock is in range and can be added to a live run.
pub fn check_shock_arg(data: &[u8]) {
    let Ok(arg) = std::str::from_utf8(data) else {
        return;
    };
    let s = Scenario::from_toml("shock-arg.toml", SHOCK_ARG_SCENARIO)
        .unwrap_or_else(|e| panic!("the shock_arg scenario is invalid: {e}"));
    match parse_shock_arg(arg, &s) {
        Err(e) => check_error(&e),
        Ok(shock) => {
            check_shock(&shock, s.steps, 5);
            short_run(&s, Some((shock.at / 2, &shock)));
        }
    }
}
