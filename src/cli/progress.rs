//! Long headless runs: a progress bar on stderr (only on a terminal) and
//! signal handlers that stop the run cleanly.

use std::io::IsTerminal;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The flag set by any of [`STOP_SIGNALS`] (handlers installed on first
/// use). The first signal sets it: the run stops at the next check (inside
/// long trials too), temporary files are removed as the stack unwinds and
/// the process exits 130. A second signal while the flag is set ends the
/// process at once (exit 1), for when a step itself is stuck.
pub fn interrupt_flag() -> &'static AtomicBool {
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in STOP_SIGNALS {
            // Order matters: the shutdown check runs before the flag is set.
            let _ = signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&flag));
            let _ = signal_hook::flag::register(sig, Arc::clone(&flag));
        }
        flag
    })
}

/// A progress bar over `total` trials, hidden when stderr is not a terminal or `quiet`.
pub fn bar(total: u64, label: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix} [{bar:30}] {pos}/{len} trials · {per_sec} · ETA {eta}",
    ) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(label.to_string());
    pb
}
