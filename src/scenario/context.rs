//! Where an error in a scenario file points: the file's name and text, shared
//! by every checker of the format (`validate`, `bom`, `stock`, shocks).

use std::ops::Range;
use std::sync::Arc;

use super::InputError;

/// Where errors point: the origin name and the source text.
pub(crate) struct Ctx<'a> {
    /// The file's name (or the built-in's) as errors show it.
    pub origin: &'a str,
    /// The whole text, for line:column and the quoted line.
    pub source: Arc<str>,
}

impl Ctx<'_> {
    /// An error at `span` of the source, naming `field`.
    pub fn err(&self, span: Range<usize>, field: &str, message: impl Into<String>) -> InputError {
        InputError::at(self.origin, &self.source, span, field, message)
    }
}
