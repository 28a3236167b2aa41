//! `--shock 'at=12,select=nodes,nodes=farm,duration=5'`: a scripted shock
//! written on the command line, validated exactly like a `[[shock]]` table.
//!
//! Keys are separated by commas. A comma-separated token without `=` adds
//! one more value to the list key before it, so `nodes=farm,mill` names two nodes.

use std::sync::Arc;

use toml::Spanned;

use super::context::Ctx;
use super::raw::RawShock;
use super::validate::build_shock;
use super::{InputError, Scenario, Shock};

/// Parse and validate one `--shock` argument against `scenario`.
pub fn parse_shock_arg(arg: &str, scenario: &Scenario) -> Result<Shock, InputError> {
    let ctx = Ctx {
        origin: "--shock",
        source: Arc::from(arg),
    };
    let mut raw = RawShock::default();
    let mut last_key = "";
    let mut offset = 0;
    for token in arg.split(',') {
        let start = offset;
        offset += token.len() + 1;
        let lead = token.len() - token.trim_start().len();
        let token_span = start + lead..start + token.trim_end().len();
        let Some((key, value)) = token.split_once('=') else {
            if last_key == "nodes"
                && !token.trim().is_empty()
                && let Some(list) = raw.nodes.as_mut()
            {
                list.get_mut()
                    .push(Spanned::new(token_span, token.trim().to_string()));
                continue;
            }
            return Err(ctx.err(
                token_span,
                "shock",
                format!("expected key=value, found {:?}", token.trim()),
            ));
        };
        let key = key.trim();
        let eq = token.len() - value.len() - 1;
        let value_start = start + eq + 1 + (value.len() - value.trim_start().len());
        let vspan = value_start..value_start + value.trim().len();
        let value = value.trim();
        let int = |field: &str| -> Result<Spanned<i64>, InputError> {
            value
                .parse::<i64>()
                .map(|v| Spanned::new(vspan.clone(), v))
                .map_err(|_| {
                    ctx.err(
                        vspan.clone(),
                        &format!("shock.{field}"),
                        format!("expected an integer, found {value:?}"),
                    )
                })
        };
        match key {
            "at" => raw.at = Some(int("at")?),
            "count" => raw.count = Some(int("count")?),
            "duration" => raw.duration = Some(int("duration")?),
            "fraction" => {
                let v = value.parse::<f64>().map_err(|_| {
                    ctx.err(
                        vspan.clone(),
                        "shock.fraction",
                        format!("expected a number, found {value:?}"),
                    )
                })?;
                raw.fraction = Some(Spanned::new(vspan.clone(), v));
            }
            "select" => raw.select = Some(Spanned::new(vspan.clone(), value.to_string())),
            "sector" => raw.sector = Some(Spanned::new(vspan.clone(), value.to_string())),
            "label" => raw.label = Some(value.to_string()),
            "nodes" => {
                raw.nodes = Some(Spanned::new(
                    vspan.clone(),
                    vec![Spanned::new(vspan.clone(), value.to_string())],
                ));
            }
            other => {
                return Err(ctx.err(
                    start..start + token.find('=').unwrap_or(token.len()),
                    "shock",
                    format!(
                        "unknown key {other:?}; expected at, select, count, fraction, sector, nodes, duration or label"
                    ),
                ));
            }
        }
        last_key = key;
    }
    build_shock(
        &ctx,
        0..arg.len(),
        &raw,
        scenario.steps,
        &scenario.topologies,
    )
}
