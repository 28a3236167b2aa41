//! The live terminal UI: watch a chain and a network take the same shocks.
//!
//! Elm-shaped: [`App`] is the state, [`Message`] what happened,
//! [`App::update`] the only place state changes, and [`render()`] a pure
//! view. [`event_loop`] is generic over the ratatui backend and the event
//! source, so tests drive the whole app into a `TestBackend`. The Monte
//! Carlo panel is fed by a worker thread (see [`worker`]), and so is the
//! attack-tolerance sweep view (see [`sweep`]); the UI never waits for them.
//!
//! To explain *why*: the node inspector (Enter, `render/inspector.rs`) and
//! the flow view (`f`) read the step's flow breakdown and minimum cut
//! ([`live::LiveTrial::flows`]); the ghost line ([`ghost`]) replays the
//! trial without the user's knock-outs; the picker ([`picker`]) opens other
//! scenarios. Every string is written in English and Traditional Chinese at
//! its call site ([`App::tr`]); [`text`] measures display widths, shortens
//! labels word-wise and blanks control characters of file content.

pub mod app;
pub mod export;
pub mod ghost;
mod hangup;
pub mod help;
pub mod layout;
pub mod live;
pub mod message;
pub mod mode;
pub mod params;
pub mod picker;
pub mod playback;
pub mod ranking;
pub mod render;
pub mod shocks;
pub mod sweep;
pub mod text;
pub mod view;
pub mod worker;

use std::io;
use std::time::{Duration, Instant};

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::Terminal;
use ratatui::backend::Backend;

pub use app::App;
pub use message::Message;
pub use render::render;
pub use worker::McMode;

pub use crate::front::launch::TuiOptions;

/// Where terminal events come from (crossterm, or a script in tests).
pub trait EventSource {
    /// The next event, waiting at most `timeout`; `None` when none came.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
}

/// Terminal events from crossterm.
#[derive(Debug, Default)]
pub struct CrosstermEvents;

impl EventSource for CrosstermEvents {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if event::poll(timeout)? {
            event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Terminal events read on a thread of their own and handed over through a
/// channel, so input is read even while the UI thread is busy (solving a
/// large step, loading a scenario). A quit key ([`quits`]) is always
/// honoured: the loop ends on it as usual, and if the UI thread is stuck in
/// a computation the reader restores the terminal and ends the process
/// after `front::signals::GRACE`. A stop signal (SIGTERM, SIGHUP, SIGQUIT,
/// SIGINT from `kill`) makes `next` fail with
/// [`io::ErrorKind::Interrupted`], the loop ends and [`run`] restores the
/// terminal (raw mode, alternate screen, mouse) before exiting.
struct ThreadedEvents {
    events: std::sync::mpsc::Receiver<io::Result<Event>>,
    stop: &'static std::sync::atomic::AtomicBool,
}

/// Whether the app is in its normal mode (where `q` and Esc quit), as last
/// seen by the UI thread; the reader thread reads it.
static NORMAL_MODE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Longest wait between two looks at the stop flag.
const SIGNAL_SLICE: Duration = Duration::from_millis(100);

/// Whether `ev` quits the TUI: Ctrl-C and Ctrl-Q always, `q` and Esc in
/// the normal mode (elsewhere they close a panel), as [`Message::from_event`].
fn quits(ev: &Event, normal_mode: bool) -> bool {
    use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};
    let Event::Key(key) = ev else {
        return false;
    };
    if key.kind == KeyEventKind::Release {
        return false;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'));
    }
    normal_mode && matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
}

impl ThreadedEvents {
    fn install() -> Self {
        // The process-wide stop flag: a signal raises it and the loop ends;
        // if a long computation keeps the loop from looking, the signal
        // watcher restores the terminal itself (registered in `run_app`)
        // and ends the process.
        let stop = crate::front::signals::stop_flag();
        hangup::watch(stop);
        let (tx, rx) = std::sync::mpsc::channel();
        let _ = std::thread::Builder::new()
            .name("tui-input".into())
            .spawn(move || {
                loop {
                    let ev = event::read();
                    if let Ok(ev) = &ev
                        && quits(ev, NORMAL_MODE.load(std::sync::atomic::Ordering::Relaxed))
                    {
                        // The loop quits at its next look; a UI thread busy
                        // in a computation gets the grace period, then the
                        // process ends here (terminal restored).
                        let _ = std::thread::Builder::new()
                            .name("tui-quit".into())
                            .spawn(|| {
                                std::thread::sleep(crate::front::signals::GRACE);
                                crate::front::signals::end_now_with(0, None);
                            });
                    }
                    let failed = ev.is_err();
                    if tx.send(ev).is_err() || failed {
                        return;
                    }
                }
            });
        ThreadedEvents { events: rx, stop }
    }

    fn stopped(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl EventSource for ThreadedEvents {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.stopped() {
                return Err(io::Error::new(
                    io::ErrorKind::Interrupted,
                    "stopped by a signal; the terminal was restored",
                ));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left.min(SIGNAL_SLICE)) {
                Ok(ev) => return ev.map(Some),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the terminal's input ended",
                    ));
                }
            }
            if left <= SIGNAL_SLICE {
                return Ok(None);
            }
        }
    }
}

/// Longest sleep while nothing moves (paused, Monte Carlo done): the loop
/// wakes only for input, so an idle UI costs next to no CPU.
const IDLE_WAIT: Duration = Duration::from_secs(1);
/// How often a worker (Monte Carlo, sweep) is polled and drawn while it runs.
const WORKER_REFRESH: Duration = Duration::from_millis(150);

/// Run the TUI the command line prepared until the user quits.
pub fn launch(launch: crate::front::launch::Launch) -> anyhow::Result<()> {
    if launch.picker {
        run_picker(launch.options)
    } else {
        run(launch.options)
    }
}

/// Run the TUI until the user quits.
pub fn run(options: TuiOptions) -> anyhow::Result<()> {
    run_app(options, false)
}

/// Run the TUI with the scenario picker open over `options` (started
/// without naming a scenario): Esc keeps the one behind it.
pub fn run_picker(options: TuiOptions) -> anyhow::Result<()> {
    run_app(options, true)
}

fn run_app(options: TuiOptions, picker: bool) -> anyhow::Result<()> {
    // Before the terminal goes raw: a signal from now on restores it, and
    // input is read from now on (a quit key works while the app is built).
    let mut events = ThreadedEvents::install();
    // Installs a panic hook that restores the terminal; ours, chained in
    // front of it, also releases the mouse.
    let mut terminal = ratatui::try_init()?;
    crate::front::signals::on_forced_exit(restore_terminal);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(io::stdout(), DisableMouseCapture);
        hook(info);
    }));
    let result = crossterm::execute!(io::stdout(), EnableMouseCapture)
        .map_err(anyhow::Error::from)
        .and_then(|()| {
            // The first frame comes before the first step is solved (a large
            // assembly network with stock takes seconds per step).
            terminal.draw(|f| render::preparing(&options.scenario.name, options.lang_zh, f))?;
            let mut app = App::new(options, McMode::Thread)?;
            if picker {
                app.update(Message::Open(app::Mode::Picker { selected: 0 }));
            }
            let size = terminal.size()?;
            app.update(Message::Resize(size.width, size.height));
            event_loop(&mut terminal, &mut app, &mut events)
        });
    restore_terminal();
    result
}

/// Mouse reporting off, raw mode off, main screen back.
fn restore_terminal() {
    let _ = crossterm::execute!(io::stdout(), DisableMouseCapture);
    ratatui::restore();
}

/// Draw, wait for input or the next step, update; until the app quits.
/// Redraws only when something changed.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl EventSource,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut dirty = true;
    let mut next_tick = Instant::now() + app.tick_interval();
    loop {
        if app.mc.poll() {
            dirty = true;
        }
        if app.sweep.poll() {
            dirty = true;
        }
        if app.live.poll_risk() {
            dirty = true;
        }
        if dirty {
            terminal.draw(|f| render(app, f))?;
            dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        NORMAL_MODE.store(
            matches!(app.mode, app::Mode::Normal),
            std::sync::atomic::Ordering::Relaxed,
        );
        let now = Instant::now();
        let mut wait = if app.running() {
            next_tick.saturating_duration_since(now)
        } else {
            IDLE_WAIT
        };
        if app.mc.running() || app.sweep.running() || app.live.risk_running() {
            wait = wait.min(WORKER_REFRESH);
        }
        if let Some(ev) = events.next(wait)? {
            let was_running = app.running();
            if let Some(msg) = Message::from_event(&ev, &app.mode) {
                if let Message::Resize(..) = msg {
                    terminal.autoresize()?;
                }
                app.update(msg);
                if let Some(text) = app.clipboard.take() {
                    osc52(&text)?;
                }
                dirty = true;
            }
            if app.running() && !was_running {
                next_tick = Instant::now() + app.tick_interval();
            }
        }
        let now = Instant::now();
        if app.running() && now >= next_tick {
            app.update(Message::Tick);
            dirty = true;
            next_tick += app.tick_interval();
            // Fell behind (slow terminal, huge scenario): do not try to catch up.
            if next_tick < now {
                next_tick = now + app.tick_interval();
            }
        }
    }
}

/// Put `text` on the clipboard of the terminal (and of the machine running
/// it, over ssh too) with the OSC 52 escape; terminals without it ignore it.
fn osc52(text: &str) -> io::Result<()> {
    use std::io::Write as _;
    let mut out = io::stdout();
    write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()))?;
    out.flush()
}

/// Standard base64 with padding (RFC 4648).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
