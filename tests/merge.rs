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

/// Runs longer than one chunk of trials (65,536) reduce chunk by chunk: the
/// tally, the streamed `--per-trial` file and a split across the chunk
/// boundary all agree with each other.
#[test]
fn runs_longer_than_a_chunk_stream_and_merge_exactly() {
    let dir = tempfile::tempdir().expect("tmp");
    let fixture = std::fs::read_to_string(FIXTURE).expect("fixture");
    // Short trials keep 70k of them cheap in a debug build; no scripted shock.
    let short = fixture
        .replace("steps = 200", "steps = 6")
        .replace("at = 50", "at = 2")
        .replace("duration = 10", "duration = 1");
    let scenario = dir.path().join("short.toml");
    std::fs::write(&scenario, short).expect("write");
    let scenario = scenario.to_str().expect("path");
    let per = dir.path().join("per.csv");
    let trials = 70_001u64;
    let n = trials.to_string();
    let single = ok(&[
        "run",
        scenario,
        "--trials",
        &n,
        "--format",
        "json",
        "--per-trial",
        per.to_str().expect("path"),
    ]);
    let mut parts = Vec::new();
    for (i, range) in ["65530..70001", "0..65530"].iter().enumerate() {
        let path = dir.path().join(format!("part{i}.json"));
        let p = path.to_str().expect("path").to_string();
        ok(&["run", scenario, "--trial-range", range, "--out", &p]);
        parts.push(p);
    }
    let merged = ok(&["merge", &parts[0], &parts[1], "--format", "json"]);
    assert_eq!(
        String::from_utf8_lossy(&merged),
        String::from_utf8_lossy(&single)
    );

    // The per-trial file holds every trial once, in order, and its mean
    // service per topology is the report's.
    let per = std::fs::read_to_string(per).expect("per-trial file");
    let mut sums = [0.0f64; 2];
    let mut rows = 0u64;
    for (i, line) in per.lines().skip(1).enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], (i / 2).to_string(), "row {i}");
        sums[i % 2] += cells[2].parse::<f64>().expect("service");
        rows += 1;
    }
    assert_eq!(rows, 2 * trials);
    let report: serde_json::Value = serde_json::from_slice(&single).expect("json");
    for (t, sum) in sums.iter().enumerate() {
        let mean = report["topologies"][t]["metrics"]["service"]["mean"]
            .as_f64()
            .expect("mean");
        assert!((mean - sum / trials as f64).abs() < 1e-9, "{mean} vs {sum}");
    }
    assert_eq!(report["trials"].as_u64(), Some(trials));
}

#[test]
fn merge_rejects_damaged_and_old_partials() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("p.json");
    let p = path.to_str().expect("path");
    ok(&["run", FIXTURE, "--trial-range", "0..20", "--out", p]);
    let good = std::fs::read_to_string(&path).expect("partial");
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    // One count too many: the tally no longer holds exactly trials 0..20.
    v["tally"]["topologies"][0]["metrics"][0][0][1] = serde_json::json!(999);
    let damaged = dir.path().join("damaged.json");
    std::fs::write(&damaged, v.to_string()).expect("write");
    v["format"] = serde_json::json!("chainmesh-partial-1");
    let old = dir.path().join("old.json");
    std::fs::write(&old, v.to_string()).expect("write");
    v["format"] = serde_json::json!("chainmesh-partial-2");
    let old2 = dir.path().join("old2.json");
    std::fs::write(&old2, v.to_string()).expect("write");
    for (file, phrase) in [
        (&damaged, "is damaged"),
        (&old, "expected \"chainmesh-partial-3\""),
        (&old2, "expected \"chainmesh-partial-3\""),
    ] {
        let out = chainmesh(&["merge", file.to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(phrase), "{err}");
    }
}

/// Tampered parts (issue 14, item 4): every field is checked, and a part
/// whose content no longer matches its digest is refused — even when the
/// tamperer recomputes the digest, values outside their ranges are refused.
#[test]
fn merge_refuses_tampered_parts() {
    use chainmesh::report::partial::PartialRun;
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("p.json");
    let p = path.to_str().expect("path");
    ok(&["run", FIXTURE, "--trial-range", "0..20", "--out", p]);
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("partial")).expect("json");
    // The untouched part merges.
    ok(&["merge", p]);
    type Edit = fn(&mut serde_json::Value);
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "label",
            |v| v["topologies"][0]["label"] = "Edited".into(),
            "digest does not match",
        ),
        ("seed", |v| v["seed"] = 5.into(), "digest does not match"),
        (
            "service 7.5",
            |v| {
                let pts = v["tally"]["topologies"][0]["metrics"][0]
                    .as_array_mut()
                    .expect("pts");
                let last = pts.len() - 1;
                pts[last][0] = 7.5.into();
            },
            "outside [0, 1.000000001]",
        ),
        (
            "service -1e308",
            |v| v["tally"]["topologies"][0]["metrics"][0][0][0] = (-1e308).into(),
            "outside",
        ),
        (
            "recovery beyond the horizon",
            |v| {
                let pts = v["tally"]["topologies"][0]["metrics"][3]
                    .as_array_mut()
                    .expect("pts");
                let last = pts.len() - 1;
                pts[last][0] = 1e9.into();
            },
            "recovery value",
        ),
        (
            "counts that wrap to the right total",
            |v| {
                // 2^64 − 1 plus the other counts wraps around to exactly 20
                // trials in u64 arithmetic.
                let pts = v["tally"]["topologies"][0]["metrics"][0]
                    .as_array_mut()
                    .expect("pts");
                assert!(pts.len() >= 2, "service takes several values");
                let others: u64 = pts[2..].iter().map(|p| p[1].as_u64().expect("count")).sum();
                assert!(others < 21);
                pts[0][1] = u64::MAX.into();
                pts[1][1] = (21 - others).into();
            },
            "tally does not hold exactly those trials",
        ),
        (
            "an empty range",
            |v| {
                v["trial_range"] = serde_json::json!([5, 5]);
                v["tally"] = serde_json::json!({ "trials": 0, "topologies": [] });
            },
            "trial_range is empty",
        ),
        (
            "no topologies",
            |v| {
                v["topologies"] = serde_json::json!([]);
                v["tally"]["topologies"] = serde_json::json!([]);
            },
            "no topologies",
        ),
        (
            "baseline 0",
            |v| v["topologies"][0]["baseline"] = 0.0.into(),
            "baseline",
        ),
    ];
    for (name, edit, phrase) in cases {
        let mut v = good.clone();
        edit(&mut v);
        // Once as edited, once with the digest recomputed by the tamperer:
        // the content checks must hold on their own.
        let resealed = {
            let mut part: PartialRun = serde_json::from_value(v.clone()).expect("still decodes");
            part.digest = part.digest();
            serde_json::to_value(part).expect("json")
        };
        for (how, v) in [("edited", &v), ("resealed", &resealed)] {
            let file = dir.path().join("t.json");
            std::fs::write(&file, v.to_string()).expect("write");
            let out = chainmesh(&["merge", file.to_str().expect("path")]);
            let err = String::from_utf8_lossy(&out.stderr);
            let digest_only = phrase == "digest does not match";
            if digest_only && how == "resealed" {
                // A consistent edit of a label or seed with a new digest is
                // indistinguishable from a real part: the digest is a check,
                // not a signature (documented).
                continue;
            }
            assert_eq!(out.status.code(), Some(2), "{name} ({how}): {err}");
            assert!(err.contains(phrase), "{name} ({how}): {err}");
            assert!(
                err.contains("t.json"),
                "{name} ({how}): names the file: {err}"
            );
        }
    }
}

/// With assemblers `stock_used` counts units of what was drawn (10 bolts
/// per widget), so it can exceed 1; `merge` accepts what `run` writes
/// (issue 22, item 7) and gives the single run's numbers.
#[test]
fn merge_accepts_stock_used_above_one_with_assemblers() {
    let fixture = "tests/fixtures/bolts-stock.toml";
    let dir = tempfile::tempdir().expect("tmp");
    let part = |r: &str, name: &str| {
        let p = dir.path().join(name);
        ok(&[
            "run",
            fixture,
            "--trial-range",
            r,
            "--out",
            p.to_str().expect("path"),
        ]);
        p.to_str().expect("path").to_string()
    };
    let (a, b) = (part("0..20", "a.json"), part("20..40", "b.json"));
    let merged = ok(&["merge", &a, &b, "--format", "csv"]);
    let single = ok(&["run", fixture, "--format", "csv"]);
    let numbers = |csv: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(csv).into_owned();
        let rows: Vec<&str> = text.lines().collect();
        let head: Vec<&str> = rows[0].split(',').collect();
        let row: Vec<&str> = rows[1].split(',').collect();
        head.iter()
            .zip(&row)
            .filter(|(h, _)| h.starts_with("stock_used") || h.starts_with("service"))
            .map(|(h, v)| format!("{h}={v}"))
            .collect()
    };
    assert_eq!(numbers(&merged), numbers(&single));
    assert!(
        numbers(&single).contains(&"stock_used_mean=2".to_string()),
        "{:?}",
        numbers(&single)
    );
}

/// The lost units per step (issue 26) sit next to `below` in every output
/// and equal F0 · (1 − service): per trial in `--per-trial`, as a summary in
/// JSON and CSV, and the same after a split run is merged (partials do not
/// store it, the merge derives it from service and the baseline).
#[test]
fn lost_units_follow_below_everywhere_and_survive_a_merge() {
    let dir = tempfile::tempdir().expect("tmp");
    let per_trial = dir.path().join("p.csv");
    let json = ok(&[
        "run",
        FIXTURE,
        "--trials",
        "40",
        "--format",
        "json",
        "--per-trial",
        per_trial.to_str().expect("path"),
    ]);
    // In the text (serde_json's map sorts keys): lost right after below.
    let text = String::from_utf8_lossy(&json);
    let at = |key: &str| text.find(key).expect(key);
    assert!(at("\"below\"") < at("\"lost\"") && at("\"lost\"") < at("\"recovery\""));
    let v: serde_json::Value = serde_json::from_slice(&json).expect("json");
    for t in v["topologies"].as_array().expect("topologies") {
        let f0 = t["baseline"].as_f64().expect("baseline");
        let m = &t["metrics"];
        let service = m["service"]["mean"].as_f64().expect("service");
        let lost = m["lost"]["mean"].as_f64().expect("lost");
        assert!(
            (lost - f0 * (1.0 - service)).abs() < 1e-9,
            "{lost} vs {f0} × (1 − {service})"
        );
        assert!(
            (m["lost"]["p5"].as_f64().expect("p5")
                - f0 * (1.0 - m["service"]["p95"].as_f64().expect("p95")))
            .abs()
                < 1e-9
        );
    }
    let text = std::fs::read_to_string(&per_trial).expect("per-trial");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("trial,topology,service,nadir,below,lost,recovery,collapse")
    );
    let baselines: std::collections::HashMap<&str, f64> = v["topologies"]
        .as_array()
        .expect("topologies")
        .iter()
        .map(|t| {
            (
                t["id"].as_str().expect("id"),
                t["baseline"].as_f64().expect("f0"),
            )
        })
        .collect();
    for l in lines {
        let c: Vec<&str> = l.split(',').collect();
        let (service, lost): (f64, f64) = (c[2].parse().expect("φ"), c[5].parse().expect("lost"));
        let f0 = baselines[c[1]];
        assert!((lost - f0 * (1.0 - service)).abs() < 1e-9, "{l}");
    }
    let csv = String::from_utf8(ok(&["run", FIXTURE, "--trials", "40", "--format", "csv"]))
        .expect("utf-8");
    assert!(
        csv.lines().next().expect("header").contains(
            ",below_p95,lost_mean,lost_std,lost_ci95,lost_p5,lost_p50,lost_p95,recovery_mean,"
        ),
        "{csv}"
    );
    // Split and merged: the same bytes as the single run, lost included.
    let mut args = vec!["merge".to_string()];
    for (i, range) in ["0..15", "15..40"].iter().enumerate() {
        let p = dir.path().join(format!("part{i}.json"));
        let p = p.to_str().expect("path").to_string();
        ok(&["run", FIXTURE, "--trial-range", range, "--out", &p]);
        args.push(p);
    }
    args.extend(["--format".into(), "json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ok(&args), json);
}
