//! Whether looking for a witness pays on this topology and thread.
//!
//! A memo miss may be answered by a remembered step at a smaller down-set
//! ([`super::cost::Witnessed`]); the answer is the same bits as a solve, so
//! whether to look changes only the time. Looking costs a few hash lookups
//! per miss; on networks where misses almost never find a witness (every
//! stocked step's draws and refills new) that is pure overhead. [`Payoff`]
//! counts the recent looks and finds, keeps looking while at least one look
//! in [`WORTH`] finds something (a find saves a solve of thousands of
//! instructions, a look costs tens to hundreds), and otherwise looks only once every
//! [`RECHECK`] misses, to notice when it would pay again.

/// Looks kept in the count: both counts are halved when `looked` reaches it.
const WINDOW: u32 = 256;
/// Looking pays while at least one look in this many finds a witness.
const WORTH: u32 = 8;
/// Misses between two looks while looking does not pay.
const RECHECK: u32 = 32;

/// Recent looks for a witness and how many found one.
#[derive(Debug, Clone, Default)]
pub struct Payoff {
    looked: u32,
    found: u32,
    skipped: u32,
}

impl Payoff {
    /// Look for a witness at this miss? Always for the first
    /// [`WINDOW`] / 8 looks, then while looking pays, and once every
    /// [`RECHECK`] misses when it does not.
    pub fn look(&mut self) -> bool {
        if self.paying() {
            return true;
        }
        self.skipped += 1;
        if self.skipped >= RECHECK {
            self.skipped = 0;
            return true;
        }
        false
    }

    /// Does looking pay at present (so witnesses are worth keeping)? No
    /// side effect, unlike [`look`](Self::look).
    pub fn paying(&self) -> bool {
        self.looked < WINDOW / 8 || self.found * WORTH >= self.looked
    }

    /// Record a look and whether it found a witness.
    pub fn record(&mut self, found: bool) {
        self.looked += 1;
        self.found += u32::from(found);
        if self.looked >= WINDOW {
            self.looked /= 2;
            self.found /= 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_looking_when_nothing_is_found_and_checks_again_now_and_then() {
        let mut p = Payoff::default();
        let mut looks = 0;
        for _ in 0..10_000 {
            if p.look() {
                looks += 1;
                p.record(false);
            }
        }
        // The first 32 looks, then one every 32 misses.
        assert!((32..=32 + 10_000 / 32 + 1).contains(&looks), "{looks}");
    }

    #[test]
    fn keeps_looking_while_one_look_in_eight_finds_a_witness() {
        let mut p = Payoff::default();
        for i in 0..10_000 {
            assert!(p.look(), "stopped at miss {i}");
            p.record(i % 4 == 0);
        }
    }

    #[test]
    fn looks_again_when_witnesses_come_back() {
        let mut p = Payoff::default();
        for _ in 0..2_000 {
            if p.look() {
                p.record(false);
            }
        }
        let mut looks = 0;
        for _ in 0..20_000 {
            if p.look() {
                looks += 1;
                p.record(true);
            }
        }
        assert!(looks > 19_000, "{looks}");
    }
}
