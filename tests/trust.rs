//! Issue 13: every number a lecturer shows must be true. One test (or more)
//! per numbered item of the issue, driving the real binary.

use assert_cmd::Command;

fn chainmesh() -> Command {
    Command::cargo_bin("chainmesh").expect("binary built")
}

/// Run and return (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = chainmesh().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    out
}

// ---- item 1: a flag accepted and then not applied ----

#[test]
fn set_with_trial_range_is_refused_not_ignored() {
    let (code, out, err) = run(&[
        "run",
        "agriculture",
        "--set",
        "defaults.failure_rate=0.02",
        "--trial-range",
        "0..10",
        "--quiet",
    ]);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    assert!(err.contains("--set") && err.contains("--trial-range"), "{err}");
    assert!(out.is_empty(), "no partial may be written: {out}");
}

#[test]
fn trials_with_trial_range_is_refused_not_ignored() {
    let (code, _, err) = run(&[
        "run",
        "agriculture",
        "--trials",
        "50",
        "--trial-range",
        "0..10",
        "--quiet",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--trials"), "{err}");
}
