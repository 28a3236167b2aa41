//! `run --set KEY=VALUES`: parameter sweeps in the style of NetLogo's
//! BehaviorSpace. Every combination of the given values (cartesian product)
//! is written into the scenario's TOML, validated like a file, and run with
//! the same seed, so rows differ only by the parameters.
//!
//! Keys are dotted paths into the file: `defaults.failure_rate`,
//! `scenario.steps`, `shock.0.count`, `topology.network.node.farm.capacity`
//! (array entries by index or by `id`). Values are a comma list
//! (`0.005,0.01,0.02`) or an inclusive integer range (`1..4`).

use std::fmt::Write as _;

use serde::Serialize;
use toml::{Table, Value};

use crate::report::{RunReport, summary_header, summary_rows};

/// One `--set`: a key and the values to try.
#[derive(Debug, Clone, PartialEq)]
pub struct SetSpec {
    /// Dotted path into the scenario file.
    pub key: String,
    /// Values to try, in order.
    pub values: Vec<Value>,
}

/// Parse `KEY=V1,V2,...` or `KEY=A..B` (clap value parser).
pub fn parse_set(s: &str) -> Result<SetSpec, String> {
    let (key, values) = s.split_once('=').ok_or_else(|| {
        format!("expected KEY=VALUES such as defaults.failure_rate=0.01,0.02, found {s:?}")
    })?;
    let key = key.trim();
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(format!(
            "expected a dotted key such as shock.0.count, found {key:?}"
        ));
    }
    let mut out = Vec::new();
    for item in values.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(format!("empty value in {s:?}"));
        }
        if let Some((a, b)) = item.split_once("..")
            && let (Ok(a), Ok(b)) = (a.trim().parse::<i64>(), b.trim().parse::<i64>())
        {
            if a > b || i128::from(b) - i128::from(a) > 10_000 {
                return Err(format!(
                    "expected a range A..B with A <= B (at most 10001 values), found {item:?}"
                ));
            }
            out.extend((a..=b).map(Value::Integer));
            continue;
        }
        out.push(parse_value(item));
    }
    Ok(SetSpec {
        key: key.to_string(),
        values: out,
    })
}

/// A TOML literal (number, boolean, quoted string, inline table), else a bare string.
fn parse_value(item: &str) -> Value {
    toml::from_str::<Table>(&format!("v = {item}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(item.to_string()))
}

/// Most combinations one `run --set` accepts (scenarios × this many runs).
/// The product is checked before anything runs, and combinations are
/// made one at a time ([`combination`]), so memory does not grow with it.
pub const MAX_COMBINATIONS: u64 = 10_000;

/// How many combinations `specs` give (`None` when beyond `u64`).
pub fn combination_count(specs: &[SetSpec]) -> Option<u64> {
    specs
        .iter()
        .try_fold(1u64, |n, s| n.checked_mul(s.values.len() as u64))
}

/// Refuse a product above [`MAX_COMBINATIONS`], naming its factors.
pub fn check_combination_count(specs: &[SetSpec]) -> Result<u64, String> {
    match combination_count(specs) {
        Some(n) if n <= MAX_COMBINATIONS => Ok(n),
        n => {
            let factors: Vec<String> = specs.iter().map(|s| s.values.len().to_string()).collect();
            Err(format!(
                "--set gives {} combinations ({}); at most {MAX_COMBINATIONS} are run at once: split the sweep into several runs",
                n.map_or("more than 2^64".to_string(), |n| n.to_string()),
                factors.join(" × ")
            ))
        }
    }
}

/// Combination number `index` (`< combination_count`) in the order of
/// [`combinations`]: the first key varies slowest.
pub fn combination(specs: &[SetSpec], index: u64) -> Vec<(String, Value)> {
    let mut rest = index;
    let mut picked = vec![0usize; specs.len()];
    for (i, spec) in specs.iter().enumerate().rev() {
        let n = spec.values.len().max(1) as u64;
        picked[i] = (rest % n) as usize;
        rest /= n;
    }
    specs
        .iter()
        .zip(picked)
        .filter_map(|(s, i)| s.values.get(i).map(|v| (s.key.clone(), v.clone())))
        .collect()
}

/// Every combination of the specs' values (the first key varies slowest).
pub fn combinations(specs: &[SetSpec]) -> Vec<Vec<(String, Value)>> {
    let mut combos: Vec<Vec<(String, Value)>> = vec![Vec::new()];
    for spec in specs {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                spec.values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push((spec.key.clone(), v.clone()));
                    c
                })
            })
            .collect();
    }
    combos
}

/// `key=value` as written back for people (strings unquoted).
pub fn show(key: &str, value: &Value) -> String {
    match value {
        Value::String(s) => format!("{key}={s}"),
        v => format!("{key}={v}"),
    }
}

/// A `--set` as it is written on the command line: `KEY=V1,V2` (the
/// reproduce command's form; strings bare, as `parse_set` reads them).
pub fn spec_arg(spec: &SetSpec) -> String {
    let values: Vec<String> = spec
        .values
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        })
        .collect();
    format!("{}={}", spec.key, values.join(","))
}

/// Write `value` at dotted `key` into the TOML `text`; returns the new text.
pub fn apply(text: &str, key: &str, value: &Value) -> Result<String, String> {
    let mut doc: Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let parts: Vec<&str> = key.split('.').collect();
    set_path(&mut doc, &parts, value.clone()).map_err(|e| format!("--set {key}: {e}"))?;
    toml::to_string(&doc).map_err(|e| format!("--set {key}: {e}"))
}

fn set_path(table: &mut Table, parts: &[&str], value: Value) -> Result<(), String> {
    let (head, rest) = parts.split_first().ok_or("empty key")?;
    if rest.is_empty() {
        table.insert(head.to_string(), value);
        return Ok(());
    }
    let entry = table
        .entry(head.to_string())
        .or_insert_with(|| Value::Table(Table::new()));
    set_in(entry, head, rest, value)
}

fn set_in(node: &mut Value, name: &str, parts: &[&str], value: Value) -> Result<(), String> {
    match node {
        Value::Table(t) => set_path(t, parts, value),
        Value::Array(items) => {
            let (sel, rest) = parts.split_first().ok_or("empty key")?;
            let len = items.len();
            let item = match sel.parse::<usize>() {
                Ok(i) => items.get_mut(i).ok_or_else(|| {
                    format!("`{name}` has {len} entries; index {i} is out of range")
                })?,
                Err(_) => items
                    .iter_mut()
                    .find(|it| it.get("id").and_then(Value::as_str) == Some(sel))
                    .ok_or_else(|| format!("no entry of `{name}` has id {sel:?}"))?,
            };
            if rest.is_empty() {
                *item = value;
                Ok(())
            } else {
                set_in(item, sel, rest, value)
            }
        }
        _ => Err(format!("`{name}` is a value, not a table or array")),
    }
}

/// One row group of a parameter sweep: the assignments and the run's report.
#[derive(Debug, Clone, Serialize)]
pub struct SweepRow {
    /// The `--set` assignments of this combination, in key order.
    pub set: Vec<(String, Value)>,
    /// The run's report.
    pub report: RunReport,
}

/// The numeric value of `v` (integers and floats), for comparing sizes.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Is `key` the size of a scripted shock (`shock.N.count`, `.duration`
/// or `.fraction`)?
fn is_shock_size(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    matches!(
        parts.as_slice(),
        ["shock", _, "count" | "duration" | "fraction"]
    )
}

/// Warn where a bigger scripted shock gives a topology a *higher* mean
/// service than the next smaller value of the same key (every other key
/// equal): a node a shock holds down cannot also fail at random, so a
/// bigger shock can look better (docs/model.md, "Reading the numbers").
/// The warning goes into the bigger value's report (the CSV `warnings`
/// column, JSON `warnings`, and the lines under the table).
pub fn add_shock_size_warnings(rows: &mut [SweepRow]) {
    let mut found: Vec<(usize, String)> = Vec::new();
    for (b, big) in rows.iter().enumerate() {
        for (i, (key, value)) in big.set.iter().enumerate() {
            let Some(bv) = number(value).filter(|_| is_shock_size(key)) else {
                continue;
            };
            // The next smaller value of this key, all else equal.
            let smaller = rows
                .iter()
                .filter(|r| r.report.scenario.name == big.report.scenario.name)
                .filter(|r| {
                    r.set.len() == big.set.len()
                        && r.set
                            .iter()
                            .zip(&big.set)
                            .enumerate()
                            .all(|(j, (x, y))| j == i || x == y)
                })
                .filter_map(|r| number(&r.set[i].1).map(|v| (v, r)))
                .filter(|(v, _)| *v < bv)
                .max_by(|x, y| x.0.total_cmp(&y.0));
            let Some((_, small)) = smaller else {
                continue;
            };
            for (tb, ts) in big.report.topologies.iter().zip(&small.report.topologies) {
                let (hi, lo) = (tb.metrics.service.mean, ts.metrics.service.mean);
                if hi > lo {
                    found.push((
                        b,
                        format!(
                            "{key}={} gives {} a higher mean service ({hi:.3}) than {key}={} \
({lo:.3}): a node a shock holds down cannot also fail at random, so a bigger shock can look \
better (docs/model.md, \"Reading the numbers\")",
                            show_value(value),
                            tb.id,
                            show_value(&small.set[i].1),
                        ),
                    ));
                }
            }
        }
    }
    for (b, w) in found {
        rows[b].report.warnings.push(w);
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// Tidy CSV: one row per combination × topology, the columns of
/// `run --format csv` with the `--set` keys after `scenario`.
pub fn tidy_csv(keys: &[String], rows: &[SweepRow], command: &str) -> Vec<u8> {
    let groups = rows
        .iter()
        .map(|r| r.report.groups())
        .fold(Default::default(), crate::metrics::MetricGroups::union);
    let mut out = summary_header(keys, groups);
    for row in rows {
        let values: Vec<String> = row
            .set
            .iter()
            .map(|(_, v)| match v {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            })
            .collect();
        out.push_str(&summary_rows(&row.report, &values, command, groups));
    }
    out.into_bytes()
}

/// The shock-size warnings of `rows` ([`add_shock_size_warnings`]), once each.
fn warning_lines(rows: &[SweepRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in rows.iter().flat_map(|r| &r.report.warnings) {
        if w.contains("a bigger shock can look better") && !out.contains(w) {
            out.push(w.clone());
        }
    }
    out
}

/// Human table (plain or Markdown): one row per combination × topology.
pub fn tidy_table(keys: &[String], rows: &[SweepRow], command: &str, markdown: bool) -> Vec<u8> {
    let mut header: Vec<String> = vec!["scenario".into()];
    header.extend(keys.iter().cloned());
    header.extend(
        [
            "topology",
            "service",
            "nadir",
            "below",
            "lost/step",
            "collapse",
            "vs first",
        ]
        .map(String::from),
    );
    let mut table = vec![header];
    for row in rows {
        for t in &row.report.topologies {
            let mut cells = vec![row.report.scenario.name.clone()];
            cells.extend(row.set.iter().map(|(_, v)| match v {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            }));
            let m = &t.metrics;
            cells.push(t.id.clone());
            cells.push(format!("{:.3} ± {:.3}", m.service.mean, m.service.ci95));
            cells.push(format!("{:.3}", m.nadir.mean));
            cells.push(format!("{:.1}%", 100.0 * m.below.mean));
            cells.push(format!("{:.1}", m.lost.mean));
            cells.push(format!("{:.1}%", 100.0 * m.collapse.mean));
            cells.push(t.vs_first.as_ref().map_or("(reference)".into(), |c| {
                format!(
                    "{:+.3}, better in {:.0}%",
                    c.service_diff.mean,
                    100.0 * c.p_better
                )
            }));
            table.push(cells);
        }
    }
    let mut out = String::new();
    if markdown {
        for (i, r) in table.iter().enumerate() {
            let cells: Vec<String> = r
                .iter()
                .map(|c| crate::report::escape::markdown_inline(c))
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
            if i == 0 {
                let _ = writeln!(out, "|{}|", vec!["---"; r.len()].join("|"));
            }
        }
        let notes = warning_lines(rows);
        if !notes.is_empty() {
            out.push('\n');
            for w in notes {
                let _ = writeln!(
                    out,
                    "- warning: {}",
                    crate::report::escape::markdown_inline(&w)
                );
            }
        }
        let _ = write!(out, "\nReproduce: `{command}`\n");
    } else {
        out.push_str(&crate::report::aligned(&table, |_| true));
        let notes = warning_lines(rows);
        if !notes.is_empty() {
            out.push('\n');
            for w in notes {
                let _ = writeln!(out, "warning: {w}");
            }
        }
        let _ = write!(out, "\nreproduce: {command}\n");
    }
    crate::report::Format::Table.finish(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_ranges_parse() {
        let s = parse_set("shock.0.count=1..4").expect("range");
        assert_eq!(s.values, (1..=4).map(Value::Integer).collect::<Vec<_>>());
        let s = parse_set("defaults.failure_rate=0.005,0.01").expect("list");
        assert_eq!(s.values, vec![Value::Float(0.005), Value::Float(0.01)]);
        let s = parse_set("shock.0.select=degree,betweenness").expect("strings");
        assert_eq!(s.values[1], Value::String("betweenness".into()));
        assert!(parse_set("nokey").is_err());
        assert!(parse_set("a..b=1").is_err());
        assert!(parse_set("x=4..1").is_err());
    }

    #[test]
    fn cartesian_product_in_order() {
        let specs = [
            parse_set("a=1,2").expect("a"),
            parse_set("b=x,y,z").expect("b"),
        ];
        let c = combinations(&specs);
        assert_eq!(c.len(), 6);
        for (i, want) in c.iter().enumerate() {
            assert_eq!(&combination(&specs, i as u64), want, "streamed = built");
        }
        assert_eq!(combination_count(&specs), Some(6));
        assert_eq!(show(&c[1][1].0, &c[1][1].1), "b=y");
        assert_eq!(c[3][0].1, Value::Integer(2));
    }

    #[test]
    fn apply_by_index_and_by_id() {
        let text = "[scenario]\nname = \"x\"\n[[topology]]\nid = \"net\"\n[[topology.node]]\nid = \"farm\"\ncapacity = 1.0\n";
        let t = apply(text, "topology.net.node.farm.capacity", &Value::Float(7.0)).expect("by id");
        assert!(t.contains("capacity = 7.0"), "{t}");
        let t = apply(text, "topology.0.node.0.capacity", &Value::Float(8.0)).expect("by index");
        assert!(t.contains("capacity = 8.0"), "{t}");
        let t = apply(text, "defaults.failure_rate", &Value::Float(0.5)).expect("new table");
        assert!(
            t.contains("[defaults]") && t.contains("failure_rate = 0.5"),
            "{t}"
        );
        assert!(apply(text, "topology.3.id", &Value::Integer(1)).is_err());
        assert!(apply(text, "scenario.name.x", &Value::Integer(1)).is_err());
    }
}
