//! Stop signals, the same for every command and the TUI: one handler, one
//! flag, one clean-up.
//!
//! [`install`] (called by `main` before any command runs) starts a watcher
//! thread. The first of [`STOP_SIGNALS`] raises the process-wide
//! [`stop_flag`]: code that checks it (the Monte Carlo engine every few
//! steps, the TUI's event loop) stops and unwinds, its temporary files are
//! removed as their owners drop, and the command exits 130. A command that
//! does not stop within [`GRACE`] (an import, a report, a long solve) is
//! ended by the watcher itself, after the same clean-up: every temporary
//! file still registered ([`TempGuard`]) is removed, every folder a command
//! made and registered ([`created_dir`]) is removed if still empty, the
//! registered restorers run (the TUI's terminal), and the process exits 130
//! with the same message. A second signal while the first is pending does
//! that at once. Commits ([`TempGuard::commit`]) hold the registry's lock,
//! so a file is either wholly in place or not at all when the process ends.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// The catchable signals that mean “stop”: Ctrl-C, `kill`, a closed
/// terminal, Ctrl-\\.
#[cfg(unix)]
pub const STOP_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
];
#[cfg(not(unix))]
pub const STOP_SIGNALS: [i32; 1] = [signal_hook::consts::SIGINT];

/// How long a command has to stop by itself after the first signal before
/// the watcher ends it.
pub const GRACE: Duration = Duration::from_millis(500);

/// Exit status after a stop signal (128 + SIGINT, what shells report).
pub const INTERRUPTED_EXIT: i32 = 130;

/// What a stopped command says (also `CliError::Interrupted`'s message).
pub const INTERRUPTED_MESSAGE: &str = "interrupted by Ctrl-C or a signal; no output was written";

static STOP: AtomicBool = AtomicBool::new(false);

/// Files and folders to remove, and restorers to run, if the process is
/// ended by a signal.
#[derive(Default)]
struct Registry {
    temps: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    restorers: Vec<fn()>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The flag raised by the first stop signal (or by a front that decides to
/// stop, such as the TUI's hang-up watchdog). Long computations poll it.
pub fn stop_flag() -> &'static AtomicBool {
    &STOP
}

/// Whether a stop was requested.
pub fn stopped() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// Start the watcher (once per process; later calls do nothing). Without
/// it a signal has its default effect.
pub fn install() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new(STOP_SIGNALS) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("chainmesh-signals".into())
            .spawn(move || {
                if signals.forever().next().is_none() {
                    return;
                }
                STOP.store(true, Ordering::SeqCst);
                // The command has the grace period to stop by itself; a
                // second signal cuts it short.
                let deadline = Instant::now() + GRACE;
                while Instant::now() < deadline && signals.pending().next().is_none() {
                    std::thread::sleep(Duration::from_millis(10));
                }
                end_now();
            });
    });
}

/// Called by `main` just before the process ends on its own: from then on
/// the watcher never ends it (no second message, no clean-up of files the
/// command committed).
pub fn finishing() {
    std::mem::forget(registry());
}

/// Remove what is registered, run the restorers, say why and exit 130.
fn end_now() -> ! {
    end_now_with(INTERRUPTED_EXIT, Some(INTERRUPTED_MESSAGE))
}

/// End the process now with `code`, after the same clean-up as a signal:
/// the registered restorers run, registered temporary files and empty
/// folders are removed, and `message` (if any) goes to stderr. Waits for a
/// commit in progress; does nothing (blocks) once `main` is
/// [`finishing`], since the process is then ending on its own.
pub fn end_now_with(code: i32, message: Option<&str>) -> ! {
    let mut reg = registry();
    for restore in &reg.restorers {
        restore();
    }
    for path in reg.temps.drain(..) {
        let _ = std::fs::remove_file(&path);
    }
    for dir in reg.dirs.drain(..) {
        // Only an empty folder: anything a command left there is kept.
        let _ = std::fs::remove_dir(&dir);
    }
    if let Some(m) = message {
        eprintln!("error: {m}");
    }
    std::process::exit(code);
}

/// Run `restore` before the watcher ends the process (the TUI restores its
/// terminal this way when it is stuck in a long computation).
pub fn on_forced_exit(restore: fn()) {
    registry().restorers.push(restore);
}

/// A temporary file registered for removal at a forced exit; unregistered
/// when dropped or committed.
#[derive(Debug)]
pub struct TempGuard {
    path: PathBuf,
}

impl TempGuard {
    /// Register `path` (a temporary file just created).
    pub fn new(path: &Path) -> TempGuard {
        registry().temps.push(path.to_path_buf());
        TempGuard {
            path: path.to_path_buf(),
        }
    }

    /// Run `commit` (the rename or copy into place) with the registry locked,
    /// so a forced exit waits for it to finish, then forget the file.
    pub fn commit<T>(self, commit: impl FnOnce() -> T) -> T {
        let mut reg = registry();
        let out = commit();
        reg.temps.retain(|p| p != &self.path);
        drop(reg);
        std::mem::forget(self);
        out
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        registry().temps.retain(|p| p != &self.path);
    }
}

/// Register a folder a command made (`report --out DIR`, `man --out DIR`),
/// inner folders first: a forced exit removes it if it is still empty.
pub fn created_dir(path: &Path) {
    registry().dirs.push(path.to_path_buf());
}

/// Forget a folder registered with [`created_dir`] (it is kept or gone).
pub fn forget_dir(path: &Path) {
    registry().dirs.retain(|d| d != path);
}
