//! The display split of an assembly program (what the TUI's inspector, node
//! list and flow view show for topologies with assemblers): a feasible
//! point of the program that delivers its optimum, with the fewest units
//! made and shipped, and its bottleneck (`docs/model.md`, section 1a).

mod common;

use chainmesh::network::{FlowNetwork, FlowSolver};
use chainmesh::scenario::{Role, Scenario, Topology};
use common::arb_assembly_text;
use proptest::prelude::*;

fn parse(text: &str) -> Topology {
    Scenario::from_toml("split.toml", text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .topologies
        .remove(0)
}

/// Within 1e-9 relative of `scale` (plus 1e-9 absolute for values near 0).
fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.abs().max(a.abs()).max(b.abs()) + 1e-9
}

/// Every row of the program holds with equality for the split (it ships
/// and makes nothing it does not need to), every bound holds, down and
/// starved nodes carry nothing, and the sinks use the program's optimum.
fn check_split(topo: &Topology, down: &[bool]) -> Result<(), TestCaseError> {
    let net = FlowNetwork::new(topo);
    let Some(a) = net.assembly() else {
        // Drawn without an assembler: the max flow's breakdown (`tests/flow_detail.rs`).
        return Ok(());
    };
    let n = topo.nodes.len();
    let d = net.flow_detail(topo, down, &mut FlowSolver::default());
    let split = a.split(down);
    let value = net.max_flow(down, &mut FlowSolver::default());
    prop_assert_eq!(d.value, value);
    prop_assert_eq!(d.node.len(), n);
    prop_assert_eq!(d.link.len(), topo.links.len());
    prop_assert!(
        close(split.value, value, value),
        "{} vs {value}",
        split.value
    );
    // The generator makes no two-way links: one arc per link.
    prop_assert_eq!(&split.arc, &d.link);
    let big = value.max(1.0);
    for (j, l) in topo.links.iter().enumerate() {
        prop_assert!(d.link[j] >= 0.0, "link {j}: {}", d.link[j]);
        prop_assert!(d.link[j] <= l.capacity * (1.0 + 1e-9), "link {j}");
    }
    let producing = a.producing(down);
    let mut delivered = 0.0;
    for (v, node) in topo.nodes.iter().enumerate() {
        let x = d.node[v];
        prop_assert!(
            x >= 0.0 && x <= node.capacity * (1.0 + 1e-9),
            "node {v}: {x}"
        );
        if down[v] || !producing[v] {
            prop_assert_eq!(x, 0.0, "node {} is down or starved", v);
        }
        let out: f64 = (0..topo.links.len())
            .filter(|&j| topo.links[j].from == v)
            .map(|j| d.link[j])
            .sum();
        // Output: what it ships plus what a sink uses is what it makes.
        prop_assert!(
            close(out + split.used[v], x, big),
            "node {v}: ships {out}, makes {x}"
        );
        if node.role == Role::Sink {
            prop_assert!(split.used[v] <= node.demand() * (1.0 + 1e-9));
            delivered += x - out;
        } else {
            prop_assert_eq!(split.used[v], 0.0);
        }
        // Input: a pool takes what it makes; an assembler takes needs[p] of
        // every part p per unit made, from the suppliers of p.
        let into: Vec<usize> = (0..topo.links.len())
            .filter(|&j| topo.links[j].to == v)
            .collect();
        if node.is_assembler() {
            for (part, q) in &node.needs {
                let got: f64 = into
                    .iter()
                    .filter(|&&j| topo.nodes[topo.links[j].from].product.as_ref() == Some(part))
                    .map(|&j| d.link[j])
                    .sum();
                prop_assert!(
                    close(got, q * x, big),
                    "node {v} part {part}: {got} vs {q} × {x}"
                );
            }
        } else if node.role != Role::Source {
            let got: f64 = into.iter().map(|&j| d.link[j]).sum();
            prop_assert!(close(got, x, big), "pool {v}: takes {got}, makes {x}");
        }
    }
    prop_assert!(
        close(delivered, value, value),
        "delivered {delivered} vs {value}"
    );
    // The bottleneck: full up nodes and links, or down nodes.
    for (v, node) in topo.nodes.iter().enumerate() {
        if d.cut_nodes[v] && !down[v] {
            let full = d.node[v] >= node.capacity * (1.0 - 1e-6)
                || (node.role == Role::Sink && split.used[v] >= node.demand() * (1.0 - 1e-6));
            prop_assert!(full, "bottleneck node {v} is not full");
        }
    }
    for (j, l) in topo.links.iter().enumerate() {
        if d.cut_links[j] {
            prop_assert!(
                d.link[j] >= l.capacity * (1.0 - 1e-6),
                "bottleneck link {j}"
            );
        }
    }
    // Something always holds a positive throughput back (it is finite), and
    // a down-set that costs throughput has a bottleneck.
    let baseline = net.baseline();
    if value > 0.0 || value < baseline * (1.0 - 1e-6) {
        prop_assert!(
            d.cut_nodes.iter().chain(&d.cut_links).any(|&c| c),
            "no bottleneck at {value} of {baseline}"
        );
    }
    // A pure function of the down-set.
    prop_assert_eq!(a.split(down), split);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn split_is_a_feasible_optimum_with_equal_rows(
        text in arb_assembly_text(),
        mask in prop::collection::vec(prop::bool::weighted(0.2), 11),
    ) {
        let topo = parse(&text);
        check_split(&topo, &mask[..topo.nodes.len()])?;
    }
}

/// The worked example of `docs/model.md` section 1a: 50 batteries reach the
/// plant and 100 motors allow 50 scooters, so the warehouse and the motor
/// maker are the bottleneck; with `cells_a` down, `cells_b` (full) and
/// `cells_a` (what the flow waits for) are; with the sole motor maker down,
/// only it.
#[test]
fn worked_example_split_and_bottleneck() {
    let text = "[scenario]\nname = \"w\"\nsector = \"manufacturing\"\n[[topology]]\nid = \"t\"\n\
[[topology.node]]\nid = \"cells_a\"\nrole = \"source\"\ncapacity = 40\nproduct = \"battery\"\n\
[[topology.node]]\nid = \"cells_b\"\nrole = \"source\"\ncapacity = 30\nproduct = \"battery\"\n\
[[topology.node]]\nid = \"motors\"\nrole = \"source\"\ncapacity = 100\nproduct = \"motor\"\n\
[[topology.node]]\nid = \"warehouse\"\ncapacity = 50\n\
[[topology.node]]\nid = \"plant\"\ncapacity = 80\nneeds = { battery = 1, motor = 2 }\n\
[[topology.node]]\nid = \"dealer\"\nrole = \"sink\"\ncapacity = 100\n\
[[topology.link]]\nfrom = \"cells_a\"\nto = \"warehouse\"\n\
[[topology.link]]\nfrom = \"cells_b\"\nto = \"warehouse\"\n\
[[topology.link]]\nfrom = \"warehouse\"\nto = \"plant\"\n\
[[topology.link]]\nfrom = \"motors\"\nto = \"plant\"\n\
[[topology.link]]\nfrom = \"plant\"\nto = \"dealer\"\n";
    let topo = parse(text);
    let net = FlowNetwork::new(&topo);
    let mut solver = FlowSolver::default();
    let d = net.flow_detail(&topo, &[false; 6], &mut solver);
    assert_eq!(d.value, 50.0);
    // Which battery maker makes what is a tie; together they make 50.
    assert!((d.node[0] + d.node[1] - 50.0).abs() < 1e-9, "{:?}", d.node);
    assert_eq!(&d.node[2..], &[100.0, 50.0, 50.0, 50.0]);
    assert_eq!(&d.link[2..], &[50.0, 100.0, 50.0]);
    assert_eq!(d.cut_nodes, vec![false, false, true, true, false, false]);
    assert_eq!(d.cut_links, vec![false; 5]);

    let d = net.flow_detail(
        &topo,
        &[true, false, false, false, false, false],
        &mut solver,
    );
    assert_eq!(d.value, 30.0);
    assert_eq!(d.node, vec![0.0, 30.0, 60.0, 30.0, 30.0, 30.0]);
    assert_eq!(d.link, vec![0.0, 30.0, 30.0, 60.0, 30.0]);
    assert_eq!(d.cut_nodes, vec![true, true, false, false, false, false]);

    let d = net.flow_detail(
        &topo,
        &[false, false, true, false, false, false],
        &mut solver,
    );
    assert_eq!(d.value, 0.0);
    assert_eq!(d.node, vec![0.0; 6]);
    assert_eq!(d.link, vec![0.0; 5]);
    assert_eq!(d.cut_nodes, vec![false, false, true, false, false, false]);
    for down in [
        vec![true, false, false, false, false, false],
        vec![false, false, true, false, false, false],
    ] {
        check_split(&topo, &down).expect("feasible");
    }
}

/// `manufacturing`: every node of the chain carries all 100 scooters at
/// baseline (the TUI's `100/100`), every topology's split delivers its
/// baseline, and the battery fire's down-set leaves the multi-sourced
/// network's surviving battery maker full and on the bottleneck.
#[test]
fn manufacturing_splits() {
    let b = chainmesh::scenario::builtin::find("manufacturing").expect("built in");
    let s = Scenario::from_toml(b.name, b.text).expect("valid");
    for topo in &s.topologies {
        let n = topo.nodes.len();
        check_split(topo, &vec![false; n]).expect("baseline");
        let fire: Vec<bool> = topo
            .nodes
            .iter()
            .map(|x| x.id == "battery_maker" || x.id == "battery_a")
            .collect();
        check_split(topo, &fire).expect("battery fire");
    }
    let chain = &s.topologies[0];
    let net = FlowNetwork::new(chain);
    let d = net.flow_detail(chain, &[false; 7], &mut FlowSolver::default());
    assert_eq!(d.node, vec![100.0; 7]);
    assert_eq!(d.link, vec![100.0; 6]);
}
