//! Splitting a batch with --trial-range and merging gives the single run's bytes.

use assert_cmd::Command;

const FIXTURE: &str = "tests/fixtures/series.toml";

fn chainmesh(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("chainmesh")
        .expect("binary")
        .args(args)
        .output()
        .expect("runs")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = chainmesh(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn merged_partials_equal_the_single_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let shock = "at=20,select=random,count=1,duration=3";
    let single_json = ok(&[
        "run", FIXTURE, "--trials", "250", "--seed", "4", "--shock", shock, "--format", "json",
    ]);
    let single_table = ok(&[
        "run", FIXTURE, "--trials", "250", "--seed", "4", "--shock", shock,
    ]);
    // An uneven split, given out of order.
    let mut parts = Vec::new();
    for (i, range) in ["100..250", "0..37", "37..100"].iter().enumerate() {
        let path = dir.path().join(format!("part{i}.json"));
        let p = path.to_str().expect("path").to_string();
        ok(&[
            "run",
            FIXTURE,
            "--seed",
            "4",
            "--shock",
            shock,
            "--trial-range",
            range,
            "--out",
            &p,
        ]);
        parts.push(p);
    }
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    assert_eq!(
        ok(&[&args[..], &["--format", "json"]].concat()),
        single_json
    );
    assert_eq!(ok(&args), single_table);
}

#[test]
fn merge_rejects_gaps_overlaps_and_foreign_parts() {
    let dir = tempfile::tempdir().expect("tmp");
    let part = |name: &str, range: &str, seed: &str| {
        let path = dir.path().join(name);
        let p = path.to_str().expect("path").to_string();
        ok(&[
            "run",
            FIXTURE,
            "--seed",
            seed,
            "--trial-range",
            range,
            "--out",
            &p,
        ]);
        p
    };
    let a = part("a.json", "0..10", "1");
    let gap = part("gap.json", "20..30", "1");
    let overlap = part("overlap.json", "5..15", "1");
    let other_seed = part("other.json", "10..20", "2");
    for (args, phrase) in [
        (vec!["merge", &a, &gap], "trials 10..20 are missing"),
        (vec!["merge", &a, &overlap], "given twice"),
        (vec!["merge", &a, &other_seed], "different run"),
        (vec!["merge", FIXTURE], "not a chainmesh partial result"),
    ] {
        let out = chainmesh(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(phrase), "{args:?}: {err}");
    }
}
