//! `--format json`: the stable shape, plus the reproduce command.

use serde::Serialize;

use super::{Exporter, RunReport};

/// JSON exporter: one object, or an array for several scenarios.
pub struct JsonExporter;

#[derive(Serialize)]
struct WithCommand<'a> {
    #[serde(flatten)]
    report: &'a RunReport,
    command: &'a str,
}

impl Exporter for JsonExporter {
    fn serialize(&self, reports: &[RunReport], command: &str) -> Vec<u8> {
        let items: Vec<WithCommand<'_>> = reports
            .iter()
            .map(|report| WithCommand { report, command })
            .collect();
        let mut out = match items.as_slice() {
            [one] => serde_json::to_vec_pretty(one),
            many => serde_json::to_vec_pretty(many),
        }
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}").into_bytes());
        out.push(b'\n');
        super::Format::Json.finish(out)
    }
}
