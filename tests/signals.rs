//! Signals with real processes (issue 14, items 5, 6, 9): `run --per-trial`
//! leaves no temporary file on SIGTERM, SIGHUP, SIGQUIT or SIGINT; a
//! signal stops even a single very long trial; the TUI restores the
//! terminal (raw mode off, main screen, mouse reporting off) on SIGTERM,
//! SIGHUP and SIGQUIT, checked in a tmux pane on a private tmux server.
//!
//! The waits below are liveness bounds (fail instead of hanging), not speed
//! assertions. `CHAINMESH_TEST_BIN=/path/to/old/chainmesh` runs them
//! against another binary.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/series.toml");

fn bin() -> PathBuf {
    std::env::var_os("CHAINMESH_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("chainmesh"))
}

fn kill(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success(), "kill -{sig} {pid}");
}

/// Wait for `child` to exit, at most `limit`; kill it (and fail) otherwise.
fn wait_exit(child: &mut Child, limit: Duration, what: &str) -> Option<i32> {
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running {limit:?} after the signal");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `chainmesh ARGS` in `dir`, its output thrown away.
fn spawn_quiet(args: &[&str], dir: &Path) -> Child {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

fn wait_for(limit: Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !ready() {
        assert!(t0.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn per_trial_temp_file_is_removed_on_every_stop_signal() {
    for sig in ["TERM", "HUP", "QUIT", "INT"] {
        let dir = tempfile::tempdir().expect("tmp");
        let mut child = spawn_quiet(
            &[
                "run",
                FIXTURE,
                "--trials",
                "100000000",
                "--per-trial",
                "p.csv",
                "--quiet",
            ],
            dir.path(),
        );
        // The temporary file exists from the start and grows chunk by chunk.
        wait_for(Duration::from_secs(60), "the temporary file", || {
            entries(dir.path()).iter().any(|n| n.starts_with(".p.csv"))
        });
        kill(child.id(), sig);
        let code = wait_exit(&mut child, Duration::from_secs(60), sig);
        assert_eq!(code, Some(130), "SIG{sig}: exit code");
        assert!(
            entries(dir.path()).is_empty(),
            "SIG{sig} left {:?}",
            entries(dir.path())
        );
    }
}

#[test]
fn a_signal_stops_a_single_long_trial() {
    let dir = tempfile::tempdir().expect("tmp");
    let generated = Command::new(bin())
        .args([
            "generate", "--model", "er", "--nodes", "3000", "--seed", "1",
        ])
        .output()
        .expect("generate");
    assert!(generated.status.success());
    let text = String::from_utf8(generated.stdout).expect("toml");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for l in &mut lines {
        if l.starts_with("steps = ") {
            *l = "steps = 100000".into();
        } else if l.starts_with("trials = ") {
            *l = "trials = 1".into();
        }
    }
    let scenario = dir.path().join("long.toml");
    std::fs::write(&scenario, lines.join("\n")).expect("write");
    let mut child = Command::new(bin())
        .args(["run", scenario.to_str().expect("path"), "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Let it get well into the one trial (tens of seconds of work).
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the trial is long"
    );
    kill(child.id(), "INT");
    let code = wait_exit(&mut child, Duration::from_secs(10), "one long trial");
    assert_eq!(code, Some(130));
}

/// A private tmux server, killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// A server of its own: tests run in parallel, and two of them on one
    /// server would share (and kill) each other's session `t`.
    fn new() -> Tmux {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Tmux {
            socket: format!("chainmesh-signals-{}-{n}", std::process::id()),
        }
    }

    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let socket = self.cmd(&["display", "-p", "#{socket_path}"]);
        let _ = self.cmd(&["kill-server"]);
        let socket = socket.trim();
        if socket.contains("chainmesh-signals-") {
            let _ = std::fs::remove_file(socket);
        }
    }
}

fn pgrep_child(parent: &str) -> Option<u32> {
    let out = Command::new("pgrep").args(["-P", parent]).output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

impl Tmux {
    /// Run `script` with `sh -c` in a new session `t` of this server and
    /// wait until the TUI it starts is up (alternate screen and mouse
    /// reporting on); its pid.
    fn start_tui(&self, script: &str, (width, height): (&str, &str)) -> u32 {
        self.cmd(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            width,
            "-y",
            height,
            "sh",
            "-c",
            script,
        ]);
        let shell = self.cmd(&["display", "-p", "-t", "t", "#{pane_pid}"]);
        let shell = shell.trim().to_string();
        let mut pid = None;
        let flag = |name: &str| self.cmd(&["display", "-p", "-t", "t", name]).trim() == "1";
        wait_for(Duration::from_secs(30), "the TUI to start", || {
            pid = pgrep_child(&shell);
            pid.is_some() && flag("#{alternate_on}") && flag("#{mouse_any_flag}")
        });
        pid.expect("chainmesh pid")
    }
}

#[test]
fn the_tui_restores_the_terminal_on_signals() {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is needed for this test (apt-get install tmux)");
    }
    for sig in ["TERM", "HUP", "QUIT"] {
        let dir = tempfile::tempdir().expect("tmp");
        let stty = dir.path().join("stty.txt");
        let tmux = Tmux::new();
        // After chainmesh exits, the same shell records the terminal modes
        // and keeps the pane alive so tmux can be asked about it.
        let script = format!(
            "{} tui {FIXTURE}; stty -a > {}; sleep 30",
            bin().display(),
            stty.display()
        );
        let pid = tmux.start_tui(&script, ("120", "40"));
        kill(pid, sig);
        assert_restored(&tmux, &stty, Duration::from_secs(20), &format!("SIG{sig}"));
    }
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped).
fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // "pid (comm) S ...": the state follows the last ')'.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
    }
}

/// The terminal disappears under a paused TUI (the tmux server is killed;
/// the TUI runs under `sh -c`, which does not pass a hang-up on): the TUI
/// must end instead of spinning on the dead terminal (crossterm's poll
/// re-reads its end of file forever).
#[test]
fn the_tui_ends_when_its_terminal_disappears() {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is needed for this test (apt-get install tmux)");
    }
    let tmux = Tmux::new();
    let script = format!("{} tui {FIXTURE}; sleep 30", bin().display());
    let pid = tmux.start_tui(&script, ("100", "30"));
    // Paused: the loop sits in its event wait, as a student's idle TUI does.
    tmux.cmd(&["send-keys", "-t", "t", " "]);
    std::thread::sleep(Duration::from_millis(500));
    let _ = tmux.cmd(&["kill-server"]);
    let t0 = Instant::now();
    while !ended(pid) && t0.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if !ended(pid) {
        kill(pid, "KILL");
        panic!("the TUI kept running 10 s after its terminal closed");
    }
}

/// A big GraphML file (40,000 nodes: seconds to import) in `dir`.
fn big_graphml(dir: &Path) -> PathBuf {
    let toml = dir.join("big.toml");
    let graphml = dir.join("big.graphml");
    for args in [
        vec![
            "generate", "--model", "layered", "--nodes", "40000", "--seed", "1", "--out",
        ],
        vec![
            "export",
            "--format",
            "graphml",
            "--topology",
            "network",
            "--out",
        ],
    ] {
        let mut cmd = Command::new(bin());
        cmd.args(&args);
        if args[0] == "generate" {
            cmd.arg(&toml);
        } else {
            cmd.arg(&graphml).arg(&toml);
        }
        assert!(cmd.arg("--quiet").status().expect("run").success());
    }
    graphml
}

/// Every command that writes handles stop signals the same way (issue 22,
/// item 2): not only `run`. `import` does not look at the stop flag while
/// it reads; the signal watcher ends it after its grace period, exit 130,
/// with no output and no temporary file.
#[test]
fn a_signal_stops_an_import_with_nothing_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let graphml = big_graphml(dir.path());
    let before = entries(dir.path());
    let mut child = spawn_quiet(
        &["import", graphml.to_str().expect("path"), "--out", "k.toml"],
        dir.path(),
    );
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the import takes seconds"
    );
    kill(child.id(), "TERM");
    let code = wait_exit(&mut child, Duration::from_secs(10), "import");
    assert_eq!(code, Some(130));
    assert_eq!(entries(dir.path()), before, "nothing new in the folder");
}

/// `report --out DIR` stopped while it computes: exit 130, and the folder
/// it made is gone again (issue 22, item 2).
#[test]
fn a_signal_stops_a_report_and_removes_the_folder_it_made() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut child = spawn_quiet(
        &[
            "report",
            FIXTURE,
            "--trials",
            "100000000",
            "--out",
            "deep/hand-out",
        ],
        dir.path(),
    );
    wait_for(Duration::from_secs(30), "the report's folder", || {
        dir.path().join("deep/hand-out").is_dir()
    });
    std::thread::sleep(Duration::from_millis(300));
    kill(child.id(), "TERM");
    let code = wait_exit(&mut child, Duration::from_secs(10), "report");
    assert_eq!(code, Some(130));
    assert!(
        entries(dir.path()).is_empty(),
        "left {:?}",
        entries(dir.path())
    );
}

/// A generated assembly network with stock everywhere: seconds per step
/// (1 + 2k linear programs), in `dir`.
fn slow_stocked_assembly(dir: &Path) -> PathBuf {
    let out = Command::new(bin())
        .args([
            "generate", "--model", "layered", "--nodes", "400", "--seed", "1", "--needs",
        ])
        .output()
        .expect("generate");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("toml").replacen(
        "[defaults]\n",
        "[defaults]\nstock = 50\n",
        1,
    );
    let path = dir.join("slow.toml");
    std::fs::write(&path, text).expect("write");
    path
}

/// A stop signal ends a run whose every step takes seconds (issue 22, item
/// 5: SIGINT was ignored for minutes while a step's LPs ran), exit 130,
/// nothing written.
#[test]
fn a_signal_stops_a_run_inside_a_long_step() {
    let dir = tempfile::tempdir().expect("tmp");
    let slow = slow_stocked_assembly(dir.path());
    let mut child = spawn_quiet(
        &[
            "run",
            slow.to_str().expect("path"),
            "--trials",
            "2",
            "--out",
            "r.json",
            "--quiet",
        ],
        dir.path(),
    );
    std::thread::sleep(Duration::from_secs(2));
    assert!(child.try_wait().expect("wait").is_none(), "steps are slow");
    kill(child.id(), "INT");
    // A liveness bound, far above the watcher's half second.
    let code = wait_exit(&mut child, Duration::from_secs(5), "a long step");
    assert_eq!(code, Some(130));
    assert_eq!(entries(dir.path()), vec!["slow.toml".to_string()]);
}

/// The TUI draws its first frame before the first step is solved, and `q`
/// quits while a long step is being solved (issue 22, item 5): the
/// terminal is restored.
#[test]
fn q_quits_the_tui_inside_a_long_step() {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is needed for this test (apt-get install tmux)");
    }
    let dir = tempfile::tempdir().expect("tmp");
    let slow = slow_stocked_assembly(dir.path());
    let stty = dir.path().join("stty.txt");
    let tmux = Tmux::new();
    let script = format!(
        "{} tui {}; stty -a > {}; sleep 30",
        bin().display(),
        slow.display(),
        stty.display()
    );
    tmux.start_tui(&script, ("80", "24"));
    wait_for(Duration::from_secs(30), "the first frame", || {
        tmux.cmd(&["capture-pane", "-p", "-t", "t"])
            .contains("chainmesh")
    });
    // Into the first steps (seconds each).
    std::thread::sleep(Duration::from_secs(3));
    tmux.cmd(&["send-keys", "-t", "t", "q"]);
    assert_restored(&tmux, &stty, Duration::from_secs(5), "q");
}

/// Wait at most `limit` for the TUI in session `t` to end (the script then
/// writes `stty -a` to `stty`), and check that it restored the terminal:
/// cooked mode, main screen, no mouse reporting.
fn assert_restored(tmux: &Tmux, stty: &Path, limit: Duration, what: &str) {
    wait_for(limit, "chainmesh to exit", || stty.exists());
    wait_for(Duration::from_secs(5), "stty output", || {
        std::fs::read_to_string(stty).is_ok_and(|s| !s.is_empty())
    });
    let modes = std::fs::read_to_string(stty).expect("stty");
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"echo") && words.contains(&"icanon"),
        "{what}: terminal left raw: {modes}"
    );
    let flags = tmux.cmd(&[
        "display",
        "-p",
        "-t",
        "t",
        "#{alternate_on} #{mouse_any_flag}",
    ]);
    assert_eq!(
        flags.trim(),
        "0 0",
        "{what}: alternate screen / mouse reporting still on"
    );
}
