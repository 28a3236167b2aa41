//! The same options mean the same thing everywhere (issue 13): `report`
//! and `sweep` take `--set`, `report` also `--shock`, `--steps` and
//! `--scale`; each flag actually changes the output (a flag accepted and
//! then not applied is the bug class), and the reproduce command each
//! writes carries it. Every command that writes a file says `wrote PATH` on
//! stderr, once per file, and `--quiet` silences it.

use std::path::Path;

use assert_cmd::Command;

fn chainmesh(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("chainmesh").expect("binary built");
    c.current_dir(dir);
    c
}

/// Run and return (stdout, stderr), asserting success.
fn ok(dir: &Path, args: &[&str]) -> (String, String) {
    let out = chainmesh(dir).args(args).output().expect("starts");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// `report.md` of `chainmesh report agriculture --trials 20 EXTRA...`.
fn report(dir: &Path, name: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "report",
        "agriculture",
        "--trials",
        "20",
        "--out",
        name,
        "-q",
    ];
    args.extend_from_slice(extra);
    ok(dir, &args);
    std::fs::read_to_string(dir.join(name).join("report.md")).expect("report.md")
}

/// The comparison rows of a handout (`| chain | 5 | …`).
fn rows(md: &str) -> Vec<&str> {
    md.lines()
        .filter(|l| l.starts_with("| chain |") || l.starts_with("| network |"))
        // The comparison table's rows, not the price table's (5 cells).
        .filter(|l| l.matches('|').count() > 12)
        .collect()
}

/// The `chainmesh run …` reproduce command of a handout.
fn run_command(md: &str) -> String {
    let at = md
        .find("Reproduce: `chainmesh run ")
        .expect("reproduce line");
    let rest = &md[at + "Reproduce: `".len()..];
    rest[..rest.find('`').expect("closing backtick")].to_string()
}

#[test]
fn every_report_flag_changes_the_handout_and_its_commands() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let plain = report(d, "plain", &[]);
    let cases: [(&str, &[&str]); 4] = [
        ("--set", &["--set", "defaults.failure_rate=0.05"]),
        (
            "--shock",
            &["--shock", "at=30,select=nodes,nodes=farm,duration=30"],
        ),
        ("--steps", &["--steps", "100"]),
        ("--scale", &["--scale", "failure_rate=3"]),
    ];
    for (i, (flag, extra)) in cases.iter().enumerate() {
        let md = report(d, &format!("r{i}"), extra);
        assert_ne!(rows(&md), rows(&plain), "{flag} did not change the numbers");
        let run = run_command(&md);
        let report_line = md
            .lines()
            .find(|l| l.contains("`chainmesh report "))
            .expect("regenerate line");
        for word in *extra {
            assert!(run.contains(word), "{flag}: {word} missing from {run}");
            assert!(
                report_line.contains(word),
                "{flag}: {word} missing from {report_line}"
            );
        }
    }
}

#[test]
fn the_handouts_run_command_reproduces_its_numbers() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let md = report(
        d,
        "r",
        &[
            "--set",
            "defaults.failure_rate=0.05",
            "--shock",
            "at=30,select=nodes,nodes=farm,duration=30",
        ],
    );
    let words: Vec<String> = run_command(&md)
        .split(' ')
        .skip(1)
        .map(|w| w.trim_matches('\'').to_string())
        .collect();
    let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
    args.extend(["--format", "csv", "-q"]);
    let (csv, _) = ok(d, &args);
    // Each topology's mean service in the handout (`0.174 ± 0.029`) is the run's.
    for row in rows(&md) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (id, mean) = (cells[1], cells[4].split(' ').next().expect("mean"));
        let line = csv
            .lines()
            .find(|l| l.split(',').any(|c| c == id))
            .unwrap_or_else(|| panic!("no {id} row in {csv}"));
        let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
        let col = header
            .iter()
            .position(|h| *h == "service_mean")
            .expect("service_mean column");
        let value: f64 = line
            .split(',')
            .nth(col)
            .expect("cell")
            .parse()
            .expect("number");
        assert_eq!(format!("{value:.3}"), mean, "{id}: {line}");
    }
}

#[test]
fn sweep_set_changes_the_curves_and_its_command() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let base = [
        "sweep",
        "agriculture",
        "--attack",
        "degree",
        "--format",
        "csv",
    ];
    let (plain, _) = ok(d, &base);
    let mut edited_args = base.to_vec();
    // The network's rice cooperative loses most of its capacity.
    edited_args.extend(["--set", "topology.network.node.rice_coop.capacity=1"]);
    let (edited, _) = ok(d, &edited_args);
    assert_ne!(plain, edited);
    assert!(
        edited.contains("--set topology.network.node.rice_coop.capacity=1"),
        "{edited}"
    );
}

#[test]
fn report_and_sweep_refuse_several_values_of_a_set() {
    let dir = tempfile::tempdir().expect("tmp");
    for cmd in [
        &["sweep", "agriculture"][..],
        &["report", "agriculture", "--out", "x"][..],
    ] {
        let out = chainmesh(dir.path())
            .args(cmd)
            .args(["--set", "defaults.failure_rate=0.1,0.2"])
            .output()
            .expect("starts");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("one value per key"), "{err}");
    }
}

/// The `wrote …` lines of stderr.
fn wrote(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("wrote ")).collect()
}

#[test]
fn every_command_that_writes_a_file_says_so_once_and_quiet_silences_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::write(d.join("links.csv"), "from,to\na,b\nb,c\n").expect("links");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["run", "agriculture", "--trials", "3", "--out", "run.txt"],
            "run.txt",
        ),
        (
            vec!["trace", "agriculture", "--out", "trace.csv"],
            "trace.csv",
        ),
        (vec!["risk", "agriculture", "--out", "risk.txt"], "risk.txt"),
        (
            vec![
                "sweep",
                "agriculture",
                "--attack",
                "degree",
                "--out",
                "sweep.txt",
            ],
            "sweep.txt",
        ),
        (
            vec![
                "generate", "--model", "layered", "--nodes", "10", "--out", "gen.toml",
            ],
            "gen.toml",
        ),
        (vec!["import", "links.csv", "--out", "imp.toml"], "imp.toml"),
        (
            vec!["export", "agriculture", "--format", "dot", "--out", "g.dot"],
            "g.dot",
        ),
        (
            vec!["show", "agriculture", "--out", "show.toml"],
            "show.toml",
        ),
        (vec!["list", "--out", "list.txt"], "list.txt"),
        (vec!["schema", "--out", "schema.json"], "schema.json"),
        (vec!["new", "fresh", "--template", "chain"], "fresh.toml"),
    ];
    for (args, file) in &cases {
        let (_, stderr) = ok(d, args);
        assert_eq!(
            wrote(&stderr),
            vec![format!("wrote {file}")],
            "{args:?}: {stderr}"
        );
        assert!(d.join(file).is_file(), "{args:?} wrote no {file}");
        std::fs::remove_file(d.join(file)).expect("rm");
        let mut quiet = args.clone();
        quiet.push("--quiet");
        let (_, stderr) = ok(d, &quiet);
        assert!(wrote(&stderr).is_empty(), "{quiet:?}: {stderr}");
        assert!(d.join(file).is_file(), "{quiet:?} wrote no {file}");
    }
    // A partial and its merge.
    let (_, e) = ok(
        d,
        &[
            "run",
            "agriculture",
            "--trial-range",
            "0..3",
            "--out",
            "p.json",
        ],
    );
    assert_eq!(wrote(&e), vec!["wrote p.json"]);
    let (_, e) = ok(d, &["merge", "p.json", "--out", "m.txt"]);
    assert_eq!(wrote(&e), vec!["wrote m.txt"]);
    // --per-trial writes the rows, their command sidecar and the table.
    let (_, e) = ok(
        d,
        &[
            "run",
            "agriculture",
            "--trials",
            "3",
            "--per-trial",
            "t.csv",
            "--out",
            "o.txt",
        ],
    );
    assert_eq!(
        wrote(&e),
        vec!["wrote t.csv", "wrote t.csv.command", "wrote o.txt"]
    );
    // A report names each of its files.
    let (_, e) = ok(
        d,
        &["report", "agriculture", "--trials", "5", "--out", "rep"],
    );
    let names = wrote(&e);
    assert!(names.contains(&"wrote rep/report.md"), "{e}");
    assert!(names.contains(&"wrote rep/report.html"), "{e}");
    assert_eq!(
        names.len(),
        std::fs::read_dir(d.join("rep")).expect("dir").count(),
        "{e}"
    );
    // A report into the folder of a bigger one says which stale charts it removed.
    ok(
        d,
        &[
            "report",
            "agriculture",
            "pandemic-2020",
            "--trials",
            "5",
            "--out",
            "two",
            "-q",
        ],
    );
    let (_, e) = ok(
        d,
        &["report", "agriculture", "--trials", "5", "--out", "two"],
    );
    let removed: Vec<&str> = e.lines().filter(|l| l.starts_with("removed ")).collect();
    assert!(
        !removed.is_empty()
            && removed
                .iter()
                .all(|l| l.starts_with("removed two/pandemic-2020-")),
        "{e}"
    );
    for l in &removed {
        assert!(!d.join(&l["removed ".len()..]).exists(), "{l}");
    }
    // Output to stdout or a stream is not a file written.
    let (_, e) = ok(
        d,
        &["run", "agriculture", "--trials", "3", "--out", "/dev/null"],
    );
    assert!(wrote(&e).is_empty(), "{e}");
    let (_, e) = ok(d, &["run", "agriculture", "--trials", "3"]);
    assert!(wrote(&e).is_empty(), "{e}");
}

#[test]
fn trace_set_replays_the_edited_scenario_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let base = ["trace", "agriculture", "--trial", "3"];
    let (plain, _) = ok(d, &base);
    let mut args = base.to_vec();
    args.extend(["--set", "defaults.failure_rate=0.2"]);
    let (edited, _) = ok(d, &args);
    assert_ne!(plain, edited, "--set did not change the trace");
    assert!(
        edited
            .lines()
            .nth(1)
            .is_some_and(|l| l.ends_with("--set defaults.failure_rate=0.2")),
        "{edited}"
    );
}
