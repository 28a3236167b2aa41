//! Bad input never hurts: every malformed or hostile scenario file in
//! `tests/bad/` is rejected by the real binary with exit code 2 and a message
//! that names the file, the line:column and the field — never a panic (101),
//! never a hang, never raw control characters on the user's terminal.
//!
//! The expectation of each corpus file is a line of `tests/bad/expected.txt`.
//! Inputs too big to commit (100,000+ nodes, a megabyte-long line) are
//! generated at run time into a temporary directory. `--shock` arguments,
//! missing files and bad flags are checked here too.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;

const FIXTURE: &str = "tests/fixtures/series.toml";
/// Per-invocation guard: a hang fails the test instead of blocking CI.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Guard for the generated multi-megabyte inputs (debug build, busy CI box).
const BIG_TIMEOUT: Duration = Duration::from_secs(60);

/// Names of the crate's internal types, which must never reach a user.
const INTERNAL_NAMES: [&str; 9] = [
    "RawFile",
    "RawHeader",
    "RawDefaults",
    "RawRepair",
    "RawShock",
    "RawTopology",
    "RawNode",
    "RawLink",
    "internally tagged enum",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What one invocation of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    timeout: Duration,
}

impl Run {
    fn describe_exit(&self) -> String {
        match self.code {
            Some(101) => "exit 101: it PANICKED".to_string(),
            Some(c) => format!("exit {c}"),
            None if self.elapsed >= self.timeout => {
                format!("killed after the {:?} timeout: it HANGS", self.timeout)
            }
            None => "killed by a signal (stack overflow or abort?)".to_string(),
        }
    }
}

fn chainmesh(args: &[&str], timeout: Duration) -> Run {
    let start = Instant::now();
    let out = Command::cargo_bin("chainmesh")
        .expect("binary built")
        .current_dir(root())
        .args(args)
        .timeout(timeout)
        .output()
        .expect("the binary starts");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
        timeout,
    }
}

/// Where the error must point.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pos {
    /// Exactly this 1-based line and column.
    At(usize, usize),
    /// Some line:column must be shown.
    Any,
    /// No position (e.g. the bytes are not UTF-8).
    Nowhere,
}

/// One expected rejection.
#[derive(Debug, Clone)]
struct Expect {
    /// Origin printed in the message (the path as passed, or `--shock`).
    origin: String,
    pos: Pos,
    /// Exact field between the position and the message; `None` = no field applies.
    field: Option<String>,
    /// Substring the first line of stderr must contain.
    phrase: String,
}

/// Every way `run` breaks `expect`; empty when it is a proper exit-2 input error.
fn problems(run: &Run, expect: &Expect) -> Vec<String> {
    let mut p = Vec::new();
    if run.code != Some(2) {
        p.push(format!("expected exit 2, got {}", run.describe_exit()));
    }
    if run.stderr.contains("panicked") {
        p.push("stderr shows a panic".to_string());
    }
    if run.stdout.contains(": ok") {
        p.push("stdout reports the input as ok".to_string());
    }
    let first = run.stderr.lines().next().unwrap_or("");
    let Some(rest) = first
        .strip_prefix("error: ")
        .and_then(|r| r.strip_prefix(expect.origin.as_str()))
    else {
        p.push(format!(
            "first line does not start with `error: {}`",
            expect.origin
        ));
        return p;
    };
    // Position.
    let mut shown_pos = None;
    let after_pos = match expect.pos {
        Pos::Nowhere => rest.strip_prefix(": "),
        Pos::At(..) | Pos::Any => parse_pos(rest).map(|(l, c, tail)| {
            shown_pos = Some((l, c));
            tail
        }),
    };
    let Some(after_pos) = after_pos else {
        p.push(format!(
            "first line has no `:LINE:COL: ` position after the file name (expected {:?})",
            expect.pos
        ));
        return p;
    };
    if let (Pos::At(l, c), Some(shown)) = (expect.pos, shown_pos)
        && shown != (l, c)
    {
        p.push(format!(
            "position {}:{} instead of {l}:{c}",
            shown.0, shown.1
        ));
    }
    // Field.
    if let Some(field) = &expect.field
        && !after_pos.starts_with(&format!("{field}: "))
    {
        p.push(format!("field is not `{field}`"));
    }
    // Message.
    if !first.contains(&expect.phrase) {
        p.push(format!("first line lacks the phrase {:?}", expect.phrase));
    }
    if first.trim_end().ends_with(':') {
        p.push("message ends with a dangling `:` (an empty list?)".to_string());
    }
    for name in INTERNAL_NAMES {
        if run.stderr.contains(name) {
            p.push(format!("message leaks the internal name {name:?}"));
        }
    }
    // The snippet: ` --> origin:L:C` and a caret under the offending text.
    if let Some((l, c)) = shown_pos {
        if !run
            .stderr
            .contains(&format!("--> {}:{l}:{c}", expect.origin))
        {
            p.push(format!(
                "no ` --> {}:{l}:{c}` snippet header",
                expect.origin
            ));
        }
        let caret = run
            .stderr
            .lines()
            .skip(1)
            .any(|line| line.contains('|') && line.contains('^'));
        if !caret {
            p.push("no source line with a caret".to_string());
        }
    }
    // Nothing from the input may reach the terminal as a raw control character.
    if let Some(ch) = run.stderr.chars().find(|&ch| ch.is_control() && ch != '\n') {
        p.push(format!(
            "stderr contains the raw control character U+{:04X}",
            u32::from(ch)
        ));
    }
    p
}

/// `:LINE:COL: rest` → (LINE, COL, rest).
fn parse_pos(s: &str) -> Option<(usize, usize, &str)> {
    let s = s.strip_prefix(':')?;
    let (line, s) = s.split_once(':')?;
    let (col, rest) = s.split_once(": ")?;
    Some((line.parse().ok()?, col.parse().ok()?, rest))
}

/// Run every case, then fail once with every broken case listed.
fn assert_all(cases: &[(Vec<String>, Expect, Duration)]) {
    let mut report = String::new();
    let mut failed = 0;
    for (args, expect, timeout) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = chainmesh(&args, *timeout);
        let p = problems(&run, expect);
        if !p.is_empty() {
            failed += 1;
            let _ = writeln!(
                report,
                "\n✗ chainmesh {}\n  - {}\n  stderr: {}",
                args.join(" "),
                p.join("\n  - "),
                run.stderr.lines().next().unwrap_or("(empty)")
            );
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} bad inputs were not handled properly:{report}",
        cases.len()
    );
}

// ---------------------------------------------------------------- corpus --

fn corpus_dir() -> PathBuf {
    root().join("tests/bad")
}

/// `tests/bad/expected.txt`: `file | LINE:COL or * or - | field or - | phrase`.
fn read_expectations() -> Vec<(String, Expect)> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.txt")).expect("expected.txt");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
        let [file, pos, field, phrase] = cols[..] else {
            panic!("expected.txt:{}: expected 4 columns: {line}", i + 1);
        };
        let pos = match pos {
            "-" => Pos::Nowhere,
            "*" => Pos::Any,
            lc => {
                let (l, c) = lc
                    .split_once(':')
                    .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
                    .unwrap_or_else(|| panic!("expected.txt:{}: bad position {lc:?}", i + 1));
                Pos::At(l, c)
            }
        };
        assert!(
            !phrase.is_empty(),
            "expected.txt:{}: empty phrase in {line}",
            i + 1
        );
        out.push((
            file.to_string(),
            Expect {
                origin: format!("tests/bad/{file}"),
                pos,
                field: (field != "-").then(|| field.to_string()),
                phrase: phrase.to_string(),
            },
        ));
    }
    out
}

#[test]
fn corpus_is_complete() {
    let expected = read_expectations();
    let mut listed: Vec<&str> = expected.iter().map(|(f, _)| f.as_str()).collect();
    listed.sort_unstable();
    let before = listed.len();
    listed.dedup();
    assert_eq!(
        before,
        listed.len(),
        "a file is listed twice in expected.txt"
    );
    let mut present: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.txt" && !n.starts_with('.'))
        .collect();
    present.sort_unstable();
    assert_eq!(
        listed, present,
        "every file of tests/bad needs exactly one line in expected.txt"
    );
    assert!(
        present.len() >= 40,
        "the corpus needs at least 40 files, has {}",
        present.len()
    );
    for f in &present {
        let size = std::fs::metadata(corpus_dir().join(f)).expect("meta").len();
        assert!(
            size <= 100_000,
            "{f} is {size} bytes; generate big inputs at test time"
        );
    }
}

#[test]
fn every_corpus_file_is_rejected_with_position_field_and_message() {
    let cases: Vec<_> = read_expectations()
        .into_iter()
        .map(|(_, e)| (vec!["check".to_string(), e.origin.clone()], e, TIMEOUT))
        .collect();
    assert!(cases.len() >= 40);
    assert_all(&cases);
}

// ------------------------------------------------- generated big inputs --

const BIG_HEAD: &str = "# generated by tests/bad_inputs.rs\n[scenario]\nname = \"big\"\nsector = \"other\"\n\n[[topology]]\nid = \"chain\"\n";

/// A chain source → relays → sink of `n` nodes (`links` = with its links).
fn big_chain(n: usize, links: bool) -> String {
    let mut s = String::with_capacity(n * 60);
    s.push_str(BIG_HEAD);
    for i in 0..n {
        let role = if i == 0 {
            "role = \"source\"\n"
        } else if i == n - 1 {
            "role = \"sink\"\n"
        } else {
            ""
        };
        let _ = write!(s, "[[topology.node]]\nid = \"n{i}\"\n{role}");
    }
    if links {
        for i in 1..n {
            let _ = write!(
                s,
                "[[topology.link]]\nfrom = \"n{}\"\nto = \"n{i}\"\n",
                i - 1
            );
        }
    }
    s
}

fn write_temp(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write the generated input");
    path.to_str().expect("utf-8 temp path").to_string()
}

/// Regression: `check` once computed betweenness (O(nodes × links)) for every
/// topology even when no shock used it, so a 100,000-node file hung.
#[test]
fn hundred_thousand_node_chain_is_checked_without_hanging() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write_temp(&dir, "chain-100k.toml", &big_chain(100_000, true));
    let run = chainmesh(&["check", &path], BIG_TIMEOUT);
    assert_eq!(
        run.code,
        Some(0),
        "a valid 100,000-node chain: {} after {:?}\n{}",
        run.describe_exit(),
        run.elapsed,
        run.stderr
    );
    assert!(run.stdout.contains("100000 nodes"), "{}", run.stdout);
}

#[test]
fn too_many_nodes_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write_temp(&dir, "nodes-200001.toml", &big_chain(200_001, false));
    assert_all(&[(
        vec!["check".into(), path.clone()],
        Expect {
            origin: path,
            pos: Pos::At(6, 1),
            field: Some("topology.node".into()),
            phrase: "has 200001 nodes; at most 200000".into(),
        },
        BIG_TIMEOUT,
    )]);
}

#[test]
fn megabyte_long_line_gives_a_short_readable_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "[scenario]\nname = \"long\"\nsector = \"other\"\ndescription = \"{}\" oops\n",
        "x".repeat(1_000_000)
    );
    let path = write_temp(&dir, "long-line.toml", &text);
    let run = chainmesh(&["check", &path], BIG_TIMEOUT);
    let p = problems(
        &run,
        &Expect {
            origin: path,
            pos: Pos::At(4, 1_000_018),
            field: Some("scenario.description".into()),
            phrase: "expected".into(),
        },
    );
    assert!(p.is_empty(), "{p:#?}\n{}", run.stderr);
    assert!(
        run.stderr.len() < 4_000,
        "the snippet of a 1 MB line should be elided, got {} bytes of stderr",
        run.stderr.len()
    );
}

// ----------------------------------------------------------- --shock args --

fn shock_case(
    spec: &str,
    col: usize,
    field: &str,
    phrase: &str,
) -> (Vec<String>, Expect, Duration) {
    (
        ["run", FIXTURE, "--trials", "2", "--shock", spec]
            .map(String::from)
            .to_vec(),
        Expect {
            origin: "--shock".into(),
            pos: Pos::At(1, col),
            field: Some(field.into()),
            phrase: phrase.into(),
        },
        TIMEOUT,
    )
}

#[test]
fn bad_shock_arguments_exit_2_naming_the_field() {
    // The fixture has 200 steps, nodes a, b, b2, c and no sectors.
    assert_all(&[
        shock_case(
            "at=999,select=nodes,nodes=b",
            4,
            "shock.at",
            "expected a step index in 0..200",
        ),
        shock_case("at=-1,select=nodes,nodes=b", 4, "shock.at", "found -1"),
        shock_case(
            "at=x,select=nodes,nodes=b",
            4,
            "shock.at",
            "expected an integer, found \"x\"",
        ),
        shock_case(
            "at=99999999999999999999,select=nodes,nodes=b",
            4,
            "shock.at",
            "expected an integer",
        ),
        shock_case("at=1", 1, "shock.select", "missing required field `select`"),
        shock_case(
            "select=nodes,nodes=b",
            1,
            "shock.at",
            "missing required field `at`",
        ),
        shock_case(
            "at=1,select=closeness",
            13,
            "shock.select",
            "unknown selection",
        ),
        shock_case(
            "at=1,select=nodes,nodes=zzz",
            25,
            "shock.nodes",
            "unknown node id \"zzz\"",
        ),
        shock_case(
            "at=1,select=nodes,nodes=b,zzz",
            27,
            "shock.nodes",
            "unknown node id \"zzz\"",
        ),
        shock_case(
            "at=1,select=nodes,nodes=台灣",
            25,
            "shock.nodes",
            "unknown node id \"台灣\"",
        ),
        shock_case(
            "at=1,select=random,count=0",
            26,
            "shock.count",
            "expected a count >= 1",
        ),
        shock_case(
            "at=1,select=random,count=5",
            26,
            "shock.count",
            "larger than every topology",
        ),
        shock_case(
            "at=1,select=random,count=1,fraction=0.5",
            26,
            "shock.count",
            "not both",
        ),
        shock_case(
            "at=1,select=random,fraction=abc",
            29,
            "shock.fraction",
            "expected a number",
        ),
        shock_case(
            "at=1,select=random,fraction=nan",
            29,
            "shock.fraction",
            "found NaN",
        ),
        shock_case(
            "at=1,select=degree,fraction=0",
            29,
            "shock.fraction",
            "in (0, 1]",
        ),
        shock_case(
            "at=1,select=nodes,nodes=b,duration=0",
            36,
            "shock.duration",
            "found 0",
        ),
        shock_case(
            "at=1,select=nodes,nodes=b,count=1",
            33,
            "shock.count",
            "only used with select = random, degree or betweenness",
        ),
        shock_case("bogus=1", 1, "shock", "unknown key \"bogus\""),
        shock_case("", 1, "shock", "expected key=value"),
        shock_case(
            "at=1,select=random,count=1,,",
            28,
            "shock",
            "expected key=value",
        ),
        // Regression: a misspelt select next to `count` was blamed on `count`.
        shock_case(
            "at=1,select=degre,count=2",
            13,
            "shock.select",
            "unknown selection \"degre\"",
        ),
        // Regression: the message ended in a dangling "known sectors: ".
        shock_case(
            "at=1,select=sector,sector=mining",
            27,
            "shock.sector",
            "no node of any topology has sector \"mining\"",
        ),
    ]);
}

#[test]
fn bad_shock_on_trace_exits_2() {
    let mut case = shock_case("at=999,select=nodes,nodes=b", 4, "shock.at", "0..200");
    case.0 = [
        "trace",
        FIXTURE,
        "--trial",
        "0",
        "--shock",
        "at=999,select=nodes,nodes=b",
    ]
    .map(String::from)
    .to_vec();
    assert_all(&[case]);
}

// --------------------------------------------- files, names and flags --

/// Exit 2 with `error: ` and this phrase on the first line, no panic.
fn assert_usage_error(args: &[&str], phrase: &str) {
    let run = chainmesh(args, TIMEOUT);
    let first = run.stderr.lines().next().unwrap_or("");
    assert!(
        run.code == Some(2)
            && first.starts_with("error: ")
            && first.contains(phrase)
            && !run.stderr.contains("panicked"),
        "chainmesh {}: expected exit 2 and {phrase:?}, got {}\n{}",
        args.join(" "),
        run.describe_exit(),
        run.stderr
    );
}

#[test]
fn missing_files_and_unknown_builtins_exit_2() {
    assert_usage_error(
        &["check", "tests/bad/does-not-exist.toml"],
        "no scenario file or built-in scenario named \"tests/bad/does-not-exist.toml\"",
    );
    assert_usage_error(
        &["run", "agricultur", "--trials", "2"],
        "no scenario file or built-in scenario named \"agricultur\"",
    );
    assert_usage_error(
        &["trace", "no-such-scenario"],
        "no scenario file or built-in",
    );
    assert_usage_error(&["check", "tests/bad"], "tests/bad: cannot read the file");
}

#[test]
fn bad_flags_exit_2() {
    let f = FIXTURE;
    let cases: &[(&[&str], &str)] = &[
        (&["run", f, "--trials", "0"], "--trials"),
        (&["run", f, "--trials", "abc"], "--trials"),
        (&["run", f, "--trials", "-5"], "-5"),
        (&["run", f, "--format", "xml"], "--format"),
        (&["run", f, "--threads", "0"], "--threads"),
        (&["run", f, "--steps", "0"], "--steps"),
        (&["run", f, "--steps", "100001"], "--steps"),
        (&["run", f, "--seed", "18446744073709551616"], "--seed"),
        (&["run", f, "--trial-range", "5..2"], "--trial-range"),
        (&["run", f, "--bogus"], "--bogus"),
        (&["run"], "required"),
        (&["check"], "required"),
        (&["trace", f, "--trial", "x"], "--trial"),
        (&["frobnicate"], "frobnicate"),
        (&["run", f, "--shock"], "--shock"),
    ];
    for (args, phrase) in cases {
        assert_usage_error(args, phrase);
    }
    // Valid flags that contradict the file.
    assert_usage_error(
        &["run", f, "--steps", "10", "--trials", "2"],
        "--steps 10 is too short",
    );
    assert_usage_error(
        &["trace", f, "--topology", "nope"],
        "--topology \"nope\" is not in the scenario",
    );
}

/// `check` checks every file, prints the good ones and reports every bad one.
/// Regression: with two bad files the second error was printed before the first.
#[test]
fn check_reports_every_bad_file_in_argument_order() {
    let a = "tests/bad/unknown-role.toml";
    let b = "tests/bad/steps-zero.toml";
    let run = chainmesh(&["check", FIXTURE, a, b], TIMEOUT);
    assert_eq!(run.code, Some(2), "{}", run.describe_exit());
    assert!(
        run.stdout.contains("tests/fixtures/series.toml: ok"),
        "{}",
        run.stdout
    );
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors.len(),
        2,
        "one summary line per bad file:\n{}",
        run.stderr
    );
    assert!(
        errors[0].starts_with(&format!("error: {a}:17:8: ")),
        "{}",
        run.stderr
    );
    assert!(
        errors[1].starts_with(&format!("error: {b}:5:9: ")),
        "{}",
        run.stderr
    );
}
