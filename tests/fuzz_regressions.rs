//! Replays the saved fuzz inputs under `tests/fuzz_regressions/<target>/`
//! through the very checks the `cargo fuzz` targets run (fuzz/src/lib.rs,
//! included here), without libFuzzer, so they run in every `cargo test`.
//!
//! * `parse/`: raw bytes for `Scenario::from_bytes`.
//! * `engine/`: raw bytes the engine target decodes into a small scenario;
//!   `cargo test --test fuzz_regressions -- --ignored --nocapture` prints the
//!   TOML each one renders to.
//! * `shock_arg/`: `--shock` arguments checked against a fixed scenario.
//!
//! To add a case, copy a crash artifact or corpus entry from `fuzz/` into the
//! folder of its target (see fuzz/README.md).

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|x| x != "md"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

/// Run `check` on every input of `target`; report every failure, not just the first.
fn replay(target: &str, check: fn(&[u8]), explain: fn(&[u8]) -> String) {
    let mut failed = Vec::new();
    for path in inputs(target) {
        let data = std::fs::read(&path).expect("read input");
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(non-string panic)");
            failed.push(format!("{}: {why}\n{}", path.display(), explain(&data)));
        }
    }
    assert!(
        failed.is_empty(),
        "{} {target} input(s) failed:\n\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}

fn nothing(_: &[u8]) -> String {
    String::new()
}

fn engine_toml(data: &[u8]) -> String {
    format!(
        "--- rendered scenario (trials = {}) ---\n{}",
        checks::EngineCase::decode(data).trials,
        checks::EngineCase::decode(data).render()
    )
}

#[test]
fn parse_inputs_replay_cleanly() {
    replay("parse", checks::check_parse, nothing);
}

#[test]
fn engine_inputs_replay_cleanly() {
    replay("engine", checks::check_engine, engine_toml);
}

#[test]
fn shock_arg_inputs_replay_cleanly() {
    replay("shock_arg", checks::check_shock_arg, nothing);
}

/// Not a check: prints the scenario every engine input renders to.
#[test]
#[ignore = "prints the engine inputs as TOML; run with --ignored --nocapture"]
fn print_engine_inputs() {
    for path in inputs("engine") {
        let data = std::fs::read(&path).expect("read input");
        println!("# {}\n{}", path.display(), engine_toml(&data));
    }
}
