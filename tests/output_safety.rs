//! Where `--out` writes (issue 14, items 3, 7, 8): symlinks are refused,
//! devices/FIFOs/own streams are written through (never replaced), a
//! read-only file is refused and left alone, hard links and modes survive,
//! a planted temp-name symlink redirects nothing; every output path is
//! checked before the first trial and the same path twice is refused;
//! `report --out DIR` is all or nothing and removes only its own stale charts.
//!
//! `/dev/null` is only *classified* here (metadata), never written: the
//! tests run as root on a shared machine.
//!
//! `CHAINMESH_TEST_BIN=/path/to/old/chainmesh` runs the process tests
//! against another binary.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Output;

use chainmesh::front::output::{Plan, plan};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/series.toml");

fn bin() -> PathBuf {
    std::env::var_os("CHAINMESH_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("chainmesh"))
}

fn chainmesh(args: &[&str], cwd: &Path) -> Output {
    std::process::Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run chainmesh")
}

fn run_out(out: &str, cwd: &Path) -> Output {
    chainmesh(
        &[
            "run", FIXTURE, "--trials", "5", "--format", "json", "--out", out,
        ],
        cwd,
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Files in `dir` whose name starts with `.` (temporary files left behind).
fn hidden(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn dev_null_and_own_streams_are_written_through_never_replaced() {
    // Classified only: nothing is opened.
    assert_eq!(plan(Path::new("/dev/null")).expect("plan"), Plan::Through);
    assert_eq!(plan(Path::new("/dev/stdout")).expect("plan"), Plan::Through);
    assert!(
        std::fs::metadata("/dev/null")
            .expect("meta")
            .file_type()
            .is_char_device_like()
    );
    // The child's own stdout (a pipe) by its /proc name: the bytes come
    // through. (Not `/dev/stdout` itself: a binary that replaces its target
    // would replace the machine's /dev/stdout link; procfs refuses renames.)
    let dir = tempfile::tempdir().expect("tmp");
    let piped = run_out("/proc/self/fd/1", dir.path());
    assert!(piped.status.success(), "{}", stderr(&piped));
    let v: serde_json::Value = serde_json::from_slice(&piped.stdout).expect("json on stdout");
    assert_eq!(v["trials"], 5);
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}
impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_char_device()
    }
}

#[test]
fn a_fifo_is_written_through() {
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        // Blocks until a writer opens the FIFO; left behind if none ever does.
        std::thread::spawn(move || tx.send(std::fs::read(fifo).expect("read fifo")));
    }
    let out = run_out(fifo.to_str().expect("path"), dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("nothing was written into the FIFO (was it replaced?)");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json through the FIFO");
    assert_eq!(v["trials"], 5);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("meta")
            .file_type()
            .is_fifo(),
        "still a FIFO"
    );
    assert!(hidden(dir.path()).is_empty());
}

#[test]
fn a_symlink_is_refused_and_its_target_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("real.json");
    std::fs::write(&target, "keep").expect("write");
    let link = dir.path().join("out.json");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let out = run_out("out.json", dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(hidden(dir.path()).is_empty());
}

#[test]
fn a_read_only_file_is_refused_and_stays_read_only() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("out.json");
    std::fs::write(&path, "keep").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = run_out("out.json", dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "keep");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
}

#[test]
fn hard_links_and_modes_survive_a_replace() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("out.json");
    let b = dir.path().join("other-name.json");
    std::fs::write(&a, "old").expect("write");
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::fs::hard_link(&a, &b).expect("link");
    let out = run_out("out.json", dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let via_b = std::fs::read(&b).expect("read");
    assert_eq!(
        via_b,
        std::fs::read(&a).expect("read"),
        "both names see the new bytes"
    );
    let v: serde_json::Value = serde_json::from_slice(&via_b).expect("json");
    assert_eq!(v["trials"], 5);
    let m = std::fs::metadata(&a).expect("meta");
    assert_eq!(m.nlink(), 2);
    assert_eq!(m.permissions().mode() & 0o777, 0o640);

    // A plain replace keeps the mode too, and a new file gets the usual one.
    let c = dir.path().join("single.json");
    std::fs::write(&c, "old").expect("write");
    std::fs::set_permissions(&c, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(run_out("single.json", dir.path()).status.success());
    let mode = std::fs::metadata(&c).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let fresh = dir.path().join("fresh.json");
    assert!(run_out("fresh.json", dir.path()).status.success());
    let reference = dir.path().join("reference");
    std::fs::write(&reference, "").expect("write");
    let want = std::fs::metadata(&reference)
        .expect("meta")
        .permissions()
        .mode();
    let got = std::fs::metadata(&fresh)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(
        got & 0o777,
        want & 0o777,
        "like File::create (0666 minus umask)"
    );
}

#[test]
fn planted_temp_name_symlinks_redirect_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").expect("write");
    // The old code wrote `.out.json.tmp-PID` with File::create: plant a link
    // at every PID the next processes are likely to get.
    let last: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1);
    for pid in last..last + 400 {
        let _ =
            std::os::unix::fs::symlink(&victim, dir.path().join(format!(".out.json.tmp-{pid}")));
    }
    for _ in 0..3 {
        let out = run_out("out.json", dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    let m = std::fs::symlink_metadata(dir.path().join("out.json")).expect("meta");
    assert!(m.file_type().is_file(), "out.json is a regular file");
}

#[test]
fn outputs_are_checked_before_the_first_trial() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::write(d.join("p.csv"), "old").expect("write");
    let out = chainmesh(
        &[
            "run",
            FIXTURE,
            "--trials",
            "5",
            "--per-trial",
            "p.csv",
            "--out",
            "nodir/x.json",
            "--quiet",
        ],
        d,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("nodir/x.json"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(d.join("p.csv")).expect("read"),
        "old"
    );
    assert!(hidden(d).is_empty(), "{:?}", hidden(d));

    // sweep and report check their output before computing, and leave no probe.
    for args in [
        vec![
            "sweep",
            FIXTURE,
            "--points",
            "3",
            "--trials",
            "2",
            "--out",
            "nodir/x.json",
        ],
        vec!["report", FIXTURE, "--trials", "2", "--out", "p.csv/h"],
    ] {
        let out = chainmesh(&args, d);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(
            !stderr(&out).contains(".chainmesh-probe"),
            "{}",
            stderr(&out)
        );
        assert!(hidden(d).is_empty(), "{:?}", hidden(d));
    }

    // The same file twice (also spelled differently) is refused.
    for (a, b) in [("same.csv", "same.csv"), ("same.csv", "./same.csv")] {
        let out = chainmesh(
            &[
                "run",
                FIXTURE,
                "--trials",
                "5",
                "--per-trial",
                a,
                "--out",
                b,
                "--quiet",
            ],
            d,
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("both name"), "{}", stderr(&out));
        assert!(!d.join("same.csv").exists());
    }
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn report_is_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let report = |seed: &str| {
        chainmesh(
            &[
                "report", FIXTURE, "--trials", "8", "--seed", seed, "--out", "h",
            ],
            d,
        )
    };
    assert!(report("1").status.success());
    let h = d.join("h");
    let before = tree(&h);
    assert!(before.len() >= 8);
    // One file cannot be replaced (a directory took its name): nothing is.
    std::fs::remove_file(h.join("report.html")).expect("rm");
    std::fs::create_dir(h.join("report.html")).expect("mkdir");
    let out = report("2");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let after = tree(&h);
    let expected: Vec<_> = before
        .into_iter()
        .filter(|(n, _)| n != "report.html")
        .collect();
    assert_eq!(
        after.iter().map(|f| &f.0).collect::<Vec<_>>(),
        expected.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(after == expected, "no file was replaced");
    assert!(hidden(&h).is_empty(), "{:?}", hidden(&h));
}

#[test]
fn report_removes_only_its_own_stale_charts() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let h = d.join("h");
    let two = chainmesh(
        &[
            "report",
            FIXTURE,
            "agriculture",
            "--trials",
            "6",
            "--out",
            "h",
        ],
        d,
    );
    assert!(two.status.success(), "{}", stderr(&two));
    assert!(h.join("agriculture-service.svg").exists());
    std::fs::write(h.join("notes.txt"), "mine").expect("write");
    std::fs::write(h.join("photo.png"), "mine").expect("write");
    let one = chainmesh(&["report", FIXTURE, "--trials", "6", "--out", "h"], d);
    assert!(one.status.success(), "{}", stderr(&one));
    for stale in ["service", "distribution", "attack"] {
        for ext in ["svg", "png"] {
            let p = h.join(format!("agriculture-{stale}.{ext}"));
            assert!(!p.exists(), "{} is stale", p.display());
        }
    }
    assert!(h.join("series-service.svg").exists());
    assert_eq!(
        std::fs::read_to_string(h.join("notes.txt")).expect("read"),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(h.join("photo.png")).expect("read"),
        "mine"
    );
}

/// An output that names an input is refused before any work, exit 2, the
/// input untouched: by name, by another spelling, by hard link (issue 22,
/// item 1), for every command that reads and writes files.
#[test]
fn no_command_replaces_its_input() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::copy(FIXTURE, d.join("my.toml")).expect("copy");
    for (i, range) in ["0..4", "4..9"].iter().enumerate() {
        let o = chainmesh(
            &[
                "run",
                "my.toml",
                "--trial-range",
                range,
                "--out",
                &format!("q{i}.json"),
            ],
            d,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    std::fs::hard_link(d.join("q0.json"), d.join("hard.json")).expect("link");
    std::fs::create_dir(d.join("rep")).expect("mkdir");
    std::fs::hard_link(d.join("my.toml"), d.join("rep/report.md")).expect("link");
    let snapshot = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = ["my.toml", "q0.json", "q1.json"]
            .iter()
            .map(|n| (n.to_string(), std::fs::read(d.join(n)).expect("read")))
            .collect();
        v.sort();
        v
    };
    let before = snapshot(d);
    let cases: &[&[&str]] = &[
        &["merge", "q0.json", "q1.json", "--out", "q0.json"],
        &["merge", "q0.json", "q1.json", "--out", "./q1.json"],
        &["merge", "q0.json", "q1.json", "--out", "hard.json"],
        &["run", "my.toml", "--trials", "3", "--out", "my.toml"],
        &[
            "run",
            "my.toml",
            "--trials",
            "3",
            "--per-trial",
            "../{d}/my.toml",
        ],
        &["trace", "my.toml", "--out", "my.toml"],
        &["sweep", "my.toml", "--trials", "2", "--out", "my.toml"],
        &["risk", "my.toml", "--out", "my.toml"],
        &["export", "my.toml", "--format", "dot", "--out", "my.toml"],
        &["import", "q0.json", "--out", "hard.json"],
        &["report", "my.toml", "--trials", "3", "--out", "rep"],
    ];
    let name = d.file_name().expect("name").to_string_lossy().into_owned();
    for case in cases {
        let args: Vec<String> = case.iter().map(|a| a.replace("{d}", &name)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = chainmesh(&args, d);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is an input file of this command"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_eq!(snapshot(d), before, "{args:?} changed an input");
        assert!(hidden(d).is_empty(), "{args:?} left {:?}", hidden(d));
    }
}
