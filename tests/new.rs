//! `chainmesh new`: the written file passes `check`, has equal baselines,
//! and is never overwritten.

use assert_cmd::Command;
use chainmesh::network::FlowNetwork;
use chainmesh::scenario::Scenario;
use predicates::prelude::*;
use predicates::str::contains;

fn chainmesh(dir: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("chainmesh").expect("binary built");
    c.current_dir(dir);
    c
}

fn baselines(path: &std::path::Path) -> Vec<f64> {
    let s = Scenario::from_path(path).expect("valid scenario");
    s.topologies
        .iter()
        .map(|t| FlowNetwork::new(t).baseline())
        .collect()
}

#[test]
fn every_template_passes_check_with_equal_baselines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &[&str], usize)] = &[
        ("chain", &[], 1),
        ("network", &[], 2),
        ("mesh", &[], 2),
        ("network", &["--sector", "agriculture", "--nodes", "23"], 2),
        ("mesh", &["--sector", "marketing", "--nodes", "40"], 2),
        ("mesh", &["--sector", "smart-city", "--nodes", "5"], 2),
        ("chain", &["--sector", "manufacturing", "--nodes", "9"], 1),
    ];
    for (i, (template, extra, topologies)) in cases.iter().enumerate() {
        let name = format!("s{i}-{template}");
        chainmesh(dir.path())
            .args(["new", &name, "--template", template])
            .args(*extra)
            .assert()
            .success();
        let file = format!("{name}.toml");
        chainmesh(dir.path())
            .args(["check", &file])
            .assert()
            .success()
            .stdout(contains(format!("{file}: ok")))
            .stdout(contains("note: baselines differ").not());
        let b = baselines(&dir.path().join(&file));
        assert_eq!(b.len(), *topologies, "{name}");
        assert!(b.iter().all(|&x| x == b[0] && x > 0.0), "{name}: {b:?}");
        let text = std::fs::read_to_string(dir.path().join(&file)).expect("read");
        assert!(text.starts_with("# "), "commented: {text}");
        if let Some(n) = extra.iter().position(|a| *a == "--nodes") {
            let want: usize = extra[n + 1].parse().expect("number");
            let s = Scenario::from_path(&dir.path().join(&file)).expect("valid");
            assert_eq!(s.topologies.last().map(|t| t.nodes.len()), Some(want));
        }
        // The new file is ready for the other commands too.
        chainmesh(dir.path())
            .args(["sweep", &file, "--trials", "5", "--points", "6"])
            .assert()
            .success();
    }
}

#[test]
fn new_refuses_to_overwrite_an_existing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    chainmesh(dir.path())
        .args(["new", "mine.toml", "--template", "network"])
        .assert()
        .success();
    let before = std::fs::read(dir.path().join("mine.toml")).expect("written");
    // Same file, with or without the extension, any template.
    for name in ["mine", "mine.toml"] {
        chainmesh(dir.path())
            .args(["new", name, "--template", "chain"])
            .assert()
            .code(2)
            .stderr(contains("already exists").and(contains("mine.toml")));
    }
    assert_eq!(
        std::fs::read(dir.path().join("mine.toml")).expect("kept"),
        before
    );
}

#[test]
fn bad_new_arguments_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    chainmesh(dir.path())
        .args(["new", "x", "--template", "star"])
        .assert()
        .code(2);
    chainmesh(dir.path())
        .args(["new", "x", "--template", "mesh", "--sector", "mining"])
        .assert()
        .code(2);
    // Agriculture has five stages: four nodes cannot make its chain.
    chainmesh(dir.path())
        .args([
            "new",
            "x",
            "--template",
            "chain",
            "--sector",
            "agriculture",
            "--nodes",
            "4",
        ])
        .assert()
        .code(2)
        .stderr(contains("--nodes 4"));
    assert!(!dir.path().join("x.toml").exists());
}

/// The `network` template's lesson is true on its own seed (issue 26): the
/// network keeps more of the baseline and loses fewer units per step than
/// its chain, yet spends more steps below the service level, which the
/// lesson explains (a part-way step counts like a step at 0).
#[test]
fn network_template_lesson_explains_the_threshold_on_its_seed() {
    use chainmesh::sim::{Prepared, run_trials};
    use chainmesh::stats::summarize;
    let dir = tempfile::tempdir().expect("tempdir");
    chainmesh(dir.path())
        .args(["new", "t.toml", "--template", "network"])
        .assert()
        .success();
    let s = Scenario::from_path(&dir.path().join("t.toml")).expect("valid scenario");
    let lesson = s.lesson.clone().expect("a lesson");
    assert!(
        lesson.contains("`below`") && lesson.contains("lost/step"),
        "{lesson}"
    );
    let (seed, trials) = (s.seed, s.trials);
    let prep = Prepared::new(s).expect("compiles");
    let m = summarize(&run_trials(&prep, seed, 0..trials), &prep.baselines()).metrics;
    let (chain, net) = (&m[0], &m[1]);
    assert!(net.service.mean > chain.service.mean);
    assert!(net.lost.mean < chain.lost.mean);
    assert!(net.collapse.mean < chain.collapse.mean);
    // The threshold effect the lesson explains.
    assert!(net.below.mean > chain.below.mean);
}
