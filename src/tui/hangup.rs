//! Ending the TUI when its terminal goes away without a signal reaching it.
//!
//! When the terminal closes (a dropped ssh session, `tmux kill-server`, a
//! closed terminal window) the kernel sends SIGHUP to the terminal's
//! foreground process group, and [`super::SignalAwareEvents`] ends the
//! loop. But a program started through a shell that does not pass the
//! signal on, or one that closes the terminal without a hang-up signal,
//! gets none; the terminal then reads as end of file, and crossterm's event
//! poll (0.29) re-reads that end of file forever without returning: the
//! process stays alive at full CPU with nobody to see it.
//!
//! [`watch`] starts a thread that blocks in `poll(2)` on the terminal with
//! no events requested, so it wakes only for POLLHUP / POLLERR / POLLNVAL.
//! Then it raises the stop flag (which ends the loop if it is not inside
//! crossterm's poll) and, if the process is still running a short grace
//! period later, exits with status 129 (128 + SIGHUP): there is no terminal
//! left to restore.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long the main loop gets to end by itself after a hang-up.
const GRACE: Duration = Duration::from_millis(500);

/// Exit status after the terminal hung up (128 + SIGHUP, as a shell reports it).
pub const HANGUP_EXIT: i32 = 129;

/// Watch the terminal the TUI reads from (stdin if it is a terminal, else
/// `/dev/tty`, as crossterm does) in a background thread; on hang-up set
/// `stop` and, after [`GRACE`], end the process.
#[cfg(unix)]
pub fn watch(stop: &'static AtomicBool) {
    use rustix::event::{PollFd, PollFlags, poll};
    use std::io::IsTerminal;
    use std::os::fd::{AsFd, OwnedFd};

    let tty: OwnedFd = if std::io::stdin().is_terminal() {
        match std::io::stdin().as_fd().try_clone_to_owned() {
            Ok(fd) => fd,
            Err(_) => return,
        }
    } else {
        match std::fs::File::open("/dev/tty") {
            Ok(f) => f.into(),
            Err(_) => return,
        }
    };
    let _ = std::thread::Builder::new()
        .name("hangup-watch".into())
        .spawn(move || {
            loop {
                // No events asked for: poll returns only for POLLHUP,
                // POLLERR or POLLNVAL, which it always reports.
                let mut fds = [PollFd::new(&tty, PollFlags::empty())];
                match poll(&mut fds, None) {
                    Ok(_) => {
                        let gone = PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL;
                        if fds[0].revents().intersects(gone) {
                            break;
                        }
                    }
                    Err(rustix::io::Errno::INTR) => {}
                    Err(_) => return,
                }
            }
            stop.store(true, Ordering::SeqCst);
            std::thread::sleep(GRACE);
            std::process::exit(HANGUP_EXIT);
        });
}

/// Without `poll(2)` there is nothing to watch; signals still end the TUI.
#[cfg(not(unix))]
pub fn watch(_stop: &'static AtomicBool) {}
