//! What can go wrong in the compose layer: a `--scale` spec that does not
//! parse ([`super::scale::Scale::parse`]). The command line maps every
//! variant to a usage error (exit 2); the text of each is the message printed.

use super::scale::KEYS;

/// A bad `--scale` spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// An item without `=`.
    #[error("expected KEY=FACTOR such as failure_rate=1.5, found {0:?}")]
    ScaleItem(String),
    /// A factor that is not a number in `[0, 1000]`.
    #[error("{key}: expected a factor between 0 and 1000, found {value:?}")]
    ScaleFactor {
        /// The key as written (untrimmed).
        key: String,
        /// The factor as written.
        value: String,
    },
    /// `repair=0`: outages must last at least one step.
    #[error("repair: expected a factor above 0 (outages last at least one step)")]
    ScaleZeroRepair,
    /// A key other than those of [`KEYS`].
    #[error("unknown key {0:?}; expected {keys}", keys = KEYS.join(", "))]
    ScaleKey(String),
}
