//! What can go wrong in the report layer: reading and merging partial
//! results ([`super::partial`]). The command line maps every variant to a
//! usage error (exit 2); the text of each is the message printed.

/// A partial result that cannot be merged, or parts that do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The `format` field names another layout (or no chainmesh partial).
    #[error("not a chainmesh partial result (format {0:?})")]
    NotPartial(String),
    /// A field of the part is out of range or inconsistent; `reason` says which.
    #[error("partial for trials {start}..{end} is damaged: {reason}")]
    Damaged {
        /// First trial of the part.
        start: u64,
        /// One past its last trial.
        end: u64,
        /// Which field is wrong and what was expected.
        reason: String,
    },
    /// The fields pass their checks but the digest does not match them.
    #[error(
        "partial for trials {start}..{end} was edited or damaged: its digest does not match its content (re-run that slice)"
    )]
    Edited {
        /// First trial of the part.
        start: u64,
        /// One past its last trial.
        end: u64,
    },
    /// `merge` was given no part at all.
    #[error("no partial results given")]
    NoParts,
    /// The part comes from another run than the first part.
    #[error(
        "partial for trials {start}..{end} is from a different run (scenario, seed, steps, --scale or shocks differ)"
    )]
    Incompatible {
        /// First trial of the part.
        start: u64,
        /// One past its last trial.
        end: u64,
    },
    /// No part holds trials `start..end`.
    #[error("trials {start}..{end} are missing")]
    MissingTrials {
        /// First missing trial.
        start: u64,
        /// One past the last missing trial.
        end: u64,
    },
    /// Two parts hold trials `start..end`.
    #[error("trials {start}..{end} are given twice")]
    OverlappingTrials {
        /// First trial given twice.
        start: u64,
        /// One past the last trial given twice.
        end: u64,
    },
}
