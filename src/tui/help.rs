//! `?`: the help overlay's state and keys (↑↓, PgUp/PgDn scroll it when it
//! is taller than the screen; any other key closes it).

use super::mode::scroll_by;

/// The help overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    /// Lines scrolled off the top (the renderer stops at the last page).
    pub scroll: u16,
}

impl Help {
    /// Opened: from the top.
    pub fn open(&mut self) {
        self.scroll = 0;
    }

    /// Scroll by `d` lines.
    pub fn scroll(&mut self, d: i32) {
        self.scroll = scroll_by(self.scroll, d);
    }
}
