//! `chainmesh completions` and `chainmesh man`: generated from the clap
//! definition, so they name every subcommand the binary has.

use assert_cmd::Command;
use clap::CommandFactory;

use chainmesh::cli::Cli;

fn chainmesh() -> Command {
    Command::cargo_bin("chainmesh").expect("binary built")
}

/// The visible subcommands, from the clap definition itself.
fn subcommands() -> Vec<String> {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect();
    for core in ["run", "trace", "check", "list", "tui"] {
        assert!(names.iter().any(|n| n == core), "no `{core}` subcommand");
    }
    names
}

fn stdout(args: &[&str]) -> String {
    let out = chainmesh().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn completions_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains("chainmesh"), "{shell}: no program name");
        for sub in subcommands() {
            assert!(script.contains(&sub), "{shell} completions miss `{sub}`");
        }
    }
}

#[test]
fn completions_offer_option_values() {
    // Value enums complete to their values, e.g. `run --format`.
    let bash = stdout(&["completions", "bash"]);
    assert!(
        bash.contains("table"),
        "bash completions miss --format values"
    );
    assert!(bash.contains("--trial-range"));
}

#[test]
fn unknown_shell_is_a_usage_error() {
    chainmesh()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("possible values"));
    chainmesh().arg("completions").assert().code(2);
}

#[test]
fn man_page_is_roff_and_names_every_subcommand() {
    let page = stdout(&["man"]);
    assert!(
        page.starts_with('.'),
        "not roff: {:?}",
        &page[..40.min(page.len())]
    );
    let header = page
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect("a .TH title line");
    assert!(header.starts_with(".TH chainmesh 1"), "{header}");
    assert!(page.contains("\n.SH NAME\n"));
    assert!(page.contains("\n.SH SYNOPSIS\n"));
    for sub in subcommands() {
        // roff escapes '-' as '\-'.
        let entry = format!("chainmesh\\-{sub}(1)");
        assert!(page.contains(&entry), "man page misses {entry}");
    }
}

#[test]
fn man_out_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("man1");
    chainmesh()
        .args(["man", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let top = std::fs::read_to_string(out.join("chainmesh.1")).expect("chainmesh.1");
    assert_eq!(top, stdout(&["man"]));
    for sub in subcommands() {
        let page = std::fs::read_to_string(out.join(format!("chainmesh-{sub}.1")))
            .unwrap_or_else(|e| panic!("chainmesh-{sub}.1: {e}"));
        assert!(
            page.contains(&format!(".TH chainmesh-{sub} 1 ")),
            "chainmesh-{sub}.1 has no title line"
        );
    }
    let count = std::fs::read_dir(&out).expect("folder").count();
    assert_eq!(count, subcommands().len() + 1, "no stray or temp files");
}
