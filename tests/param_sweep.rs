//! `run --set`: the cartesian product, one tidy row per combination × topology,
//! each row equal to a plain run of the edited scenario.

use assert_cmd::Command;

const FIXTURE: &str = "tests/fixtures/series.toml";

fn ok(args: &[&str]) -> String {
    let out = Command::cargo_bin("chainmesh")
        .expect("bin")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn product_size_columns_and_values() {
    let csv = ok(&[
        "run",
        FIXTURE,
        "--trials",
        "30",
        "--format",
        "csv",
        "--set",
        "defaults.failure_rate=0.01,0.02,0.05",
        "--set",
        "shock.0.duration=1..4",
    ]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(
        &header[..4],
        [
            "scenario",
            "defaults.failure_rate",
            "shock.0.duration",
            "topology"
        ]
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // 3 × 4 combinations × 2 topologies.
    assert_eq!(rows.len(), 24);
    assert_eq!((rows[0][1], rows[0][2], rows[0][3]), ("0.01", "1", "chain"));
    assert_eq!(
        (rows[23][1], rows[23][2], rows[23][3]),
        ("0.05", "4", "mesh")
    );
    // More failures, less service (same seed: common random numbers).
    let service = |rate: &str, dur: &str, topo: &str| -> f64 {
        rows.iter()
            .find(|r| r[1] == rate && r[2] == dur && r[3] == topo)
            .expect("row")[header
            .iter()
            .position(|h| *h == "service_mean")
            .expect("column")]
        .parse()
        .expect("number")
    };
    assert!(service("0.01", "2", "chain") > service("0.05", "2", "chain"));
}

#[test]
fn each_row_equals_a_plain_run_of_the_edited_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let edited = std::fs::read_to_string(FIXTURE)
        .expect("fixture")
        .replace("failure_rate = 0.05", "failure_rate = 0.02");
    let path = dir.path().join("edited.toml");
    std::fs::write(&path, edited).expect("write");
    let plain = ok(&[
        "run",
        path.to_str().expect("path"),
        "--trials",
        "50",
        "--format",
        "csv",
    ]);
    let swept = ok(&[
        "run",
        FIXTURE,
        "--trials",
        "50",
        "--format",
        "csv",
        "--set",
        "defaults.failure_rate=0.02",
    ]);
    // Same service mean and CI for both topologies; one column set for
    // both CSVs, the `--set` key right after `scenario`.
    let plain_rows: Vec<Vec<&str>> = plain.lines().map(|l| l.split(',').collect()).collect();
    let swept_rows: Vec<Vec<&str>> = swept.lines().map(|l| l.split(',').collect()).collect();
    let mut expected_header = plain_rows[0].clone();
    expected_header.insert(1, "defaults.failure_rate");
    assert_eq!(swept_rows[0], expected_header);
    assert_eq!(plain_rows.len(), 3);
    assert_eq!(swept_rows.len(), 3);
    let col = |name: &str| plain_rows[0].iter().position(|h| *h == name).expect(name);
    for (p, s) in plain_rows.iter().zip(&swept_rows).skip(1) {
        assert_eq!(s[1], "0.02");
        for name in [
            "topology",
            "service_mean",
            "service_ci95",
            "service_std",
            "seed",
            "trials",
            "steps",
        ] {
            assert_eq!(p[col(name)], s[col(name) + 1], "{name}");
        }
    }
}

#[test]
fn bad_keys_and_values_exit_2() {
    for (set, phrase) in [
        ("shock.7.count=1", "index 7 is out of range"),
        (
            "topology.nowhere.node.a.capacity=5",
            "no entry of `topology` has id \"nowhere\"",
        ),
        (
            "defaults.failure_rate=1.5",
            "defaults.failure_rate: expected a probability",
        ),
        ("defaults.failure_rate", "expected KEY=VALUES"),
    ] {
        let out = Command::cargo_bin("chainmesh")
            .expect("bin")
            .args(["run", FIXTURE, "--trials", "5", "--set", set])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{set}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(phrase), "{set}: {err}");
    }
}

/// Issue 14, item 11: a product beyond the stated limit is refused before
/// anything runs (the old code built all 10^8 combinations and aborted with
/// "memory allocation failed"); a range with overflowing bounds is an error,
/// not a panic.
#[test]
fn huge_products_and_overflowing_ranges_are_refused() {
    for args in [
        vec![
            "--set",
            "scenario.seed=0..10000",
            "--set",
            "defaults.capacity=1..10000",
        ],
        vec![
            "--set",
            "scenario.seed=0..100",
            "--set",
            "defaults.capacity=1..100",
            "--set",
            "scenario.steps=1..2",
        ],
        vec![
            "--set",
            "scenario.seed=-9223372036854775808..9223372036854775807",
        ],
    ] {
        let out = Command::cargo_bin("chainmesh")
            .expect("bin")
            .args(["run", FIXTURE, "--trials", "2", "--quiet"])
            .args(&args)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("at most 10000") || err.contains("at most 10001 values"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// Issue 26: a bigger scripted shock that gives a topology a higher mean
/// service is flagged in the `--set` output (CSV `warnings`, table lines):
/// in `agriculture` the chain looks better as `shock.1.count` grows.
#[test]
fn a_bigger_shock_that_looks_better_is_warned_about() {
    let csv = ok(&[
        "run",
        "agriculture",
        "--set",
        "shock.1.count=1..4",
        "--format",
        "csv",
    ]);
    let flagged: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains("a bigger shock can look better"))
        .collect();
    assert!(
        flagged.iter().any(|l| l.contains(",4,chain,")
            && l.contains("shock.1.count=4 gives chain a higher mean service")),
        "{csv}"
    );
    // Only the rows of the bigger value carry it (never count = 1).
    assert!(flagged.iter().all(|l| !l.contains(",1,chain,")), "{csv}");
    let table = ok(&["run", "agriculture", "--set", "shock.1.count=1..4"]);
    assert!(
        table.contains("warning: shock.1.count=4 gives chain a higher mean service"),
        "{table}"
    );
    // A sweep of another key says nothing of the kind.
    let plain = ok(&[
        "run",
        FIXTURE,
        "--trials",
        "30",
        "--set",
        "defaults.failure_rate=0.01,0.02",
    ]);
    assert!(!plain.contains("bigger shock"), "{plain}");
}
