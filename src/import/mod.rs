//! `chainmesh import`: bring your own network. Reads CSV tables, Excel/ODS
//! workbooks, GraphML (NetworkX, Gephi, yEd) and NetworkX node-link JSON and
//! writes a commented scenario that passes `check`.
//!
//! Pipeline: a reader per format ([`csv`], [`sheet`], [`graphml`],
//! [`nodelink`]) → [`model::Table`]s of records → [`fields::build`] (names
//! matched to scenario fields, values checked at their cell) → roles
//! inferred ([`roles`]) → TOML ([`toml_out`]) → validated by the scenario
//! parser itself before anything is written. Nothing here touches the
//! file system except [`read_input`]; the command writes the text.

pub mod chain;
pub mod csv;
pub mod fields;
pub mod graphml;
pub mod model;
pub mod nodelink;
pub mod roles;
pub mod sheet;
pub mod toml_out;

use std::path::Path;

use crate::scenario::{InputError, MAX_FILE_BYTES, Role, Scenario};
use crate::sim::Prepared;

pub use fields::FieldMap;

/// Whether `--chain longest` adds a chain topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChainMode {
    /// Only the imported network.
    #[default]
    None,
    /// Also the longest source→sink path as a chain with the same baseline.
    Longest,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `[scenario] name` (default: the graph's name, else the first file's stem).
    pub name: Option<String>,
    /// Add a chain topology.
    pub chain: ChainMode,
    /// Column renames (`--map role=type`).
    pub map: FieldMap,
}

/// The file formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-, semicolon- or tab-separated table.
    Csv,
    /// `.xlsx`, `.xlsm`, `.xls`, `.xlsb` or `.ods` workbook.
    Sheet,
    /// GraphML XML.
    GraphMl,
    /// NetworkX node-link JSON.
    NodeLink,
}

/// One input file, read into memory.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path as given, for errors and comments.
    pub origin: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Its format (from the extension).
    pub format: InputFormat,
}

/// The format of a path, from its extension.
pub fn format_of(path: &Path) -> Option<InputFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "tsv" | "txt" => InputFormat::Csv,
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => InputFormat::Sheet,
        "graphml" | "xml" => InputFormat::GraphMl,
        "json" => InputFormat::NodeLink,
        _ => return None,
    })
}

/// Read a file (at most [`MAX_FILE_BYTES`]) and tell its format.
pub fn read_input(path: &Path) -> Result<InputFile, InputError> {
    use std::io::Read;
    let origin = path.display().to_string();
    let format = format_of(path).ok_or_else(|| {
        InputError::whole(
            &origin,
            "",
            "unknown file type; expected .csv/.tsv, .xlsx/.ods, .graphml or .json (NetworkX node-link)",
        )
    })?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| InputError::whole(&origin, "", format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(InputError::whole(
            &origin,
            "",
            format!(
                "the file is larger than {} MiB; at most that is imported",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(InputFile {
        origin,
        bytes,
        format,
    })
}

fn utf8(f: &InputFile) -> Result<&str, InputError> {
    std::str::from_utf8(&f.bytes).map_err(|e| {
        InputError::whole(
            &f.origin,
            "",
            format!(
                "the file is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8",
                e.valid_up_to()
            ),
        )
    })
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The scenario file's text.
    pub toml: String,
    /// That text, validated.
    pub scenario: Scenario,
    /// The network as read.
    pub network: model::Network,
}

/// Read every file into tables.
pub fn read_tables(files: &[InputFile]) -> Result<Vec<model::Table>, InputError> {
    let graphs = files
        .iter()
        .filter(|f| f.format != InputFormat::Csv)
        .count();
    if graphs > 0 && files.len() > 1 {
        let f = files
            .iter()
            .find(|f| f.format != InputFormat::Csv)
            .unwrap_or(&files[0]);
        return Err(InputError::whole(
            &f.origin,
            "",
            "a workbook, GraphML or JSON file holds the whole network: import it alone (only CSV tables are combined)",
        ));
    }
    let mut tables = Vec::new();
    let mut budget = model::CellBudget::default();
    let b = &mut budget;
    for f in files {
        match f.format {
            InputFormat::Csv => tables.push(csv::read_counted(&f.origin, utf8(f)?, b)?),
            InputFormat::Sheet => tables.extend(sheet::read_counted(&f.origin, &f.bytes, b)?),
            InputFormat::GraphMl => tables.push(graphml::read_counted(&f.origin, utf8(f)?, b)?),
            InputFormat::NodeLink => tables.push(nodelink::read_counted(&f.origin, utf8(f)?, b)?),
        }
    }
    Ok(tables)
}

/// Import files into a scenario. Fails with an error at the offending file,
/// row and column, or for the network as a whole (no source, no sink, no
/// path between them); on success the text passes `check`.
pub fn import(files: &[InputFile], opts: &ImportOptions) -> Result<Imported, InputError> {
    let first = files.first().map_or("", |f| f.origin.as_str());
    let tables = read_tables(files)?;
    let mut net = fields::build(&tables, &opts.map)?;
    // Name the files, not their sheets, in comments and the label.
    net.origins = files.iter().map(|f| f.origin.clone()).collect();
    let roles = roles::infer(&net);
    let role_list: Vec<Role> = roles.iter().map(|(r, _)| *r).collect();
    let whole = |m: String| InputError::whole(first, "", m);
    for (role, word) in [(Role::Source, "source"), (Role::Sink, "sink")] {
        if !role_list.contains(&role) {
            let why = if net.links.iter().all(|l| l.both_ways) && !net.links.is_empty() {
                " (every link is two-way, as in an undirected graph, so no node lacks inputs or outputs)"
            } else {
                ""
            };
            return Err(whole(format!(
                "the network has no {word}{why}; give some nodes role = {word} (a `role` column or attribute, or --map role=COLUMN)"
            )));
        }
    }
    let name = opts
        .name
        .clone()
        .or_else(|| net.settings.name.clone())
        .unwrap_or_else(|| {
            Path::new(first).file_stem().map_or_else(
                || "Imported network".into(),
                |s| s.to_string_lossy().into_owned(),
            )
        });
    let name = if name.trim().is_empty() {
        "Imported network".to_string()
    } else {
        name
    };
    let mut layout = toml_out::Layout {
        name: &name,
        roles: &roles,
        chain: None,
    };
    let out_name = "the imported scenario";
    let text = toml_out::render(&net, &layout);
    let prep = compiled(out_name, &text).map_err(|e| {
        shock_error(&net, &text, &e).unwrap_or_else(|| {
            whole(format!(
                "the network is not a valid scenario: {}",
                e.message
            ))
        })
    })?;
    let baseline = prep.topologies[0].net.baseline();
    let scenario = prep.scenario;
    if opts.chain == ChainMode::None {
        return Ok(Imported {
            toml: text,
            scenario,
            network: net,
        });
    }
    let path = roles::longest_path(&net, &role_list)
        .ok_or_else(|| whole("no source -> sink path for --chain longest".into()))?;
    // What every node carries, `product` inferred through pools as `check` does.
    let products: Vec<Option<String>> = scenario.topologies[0]
        .nodes
        .iter()
        .map(|n| n.product.clone())
        .collect();
    let cannot = |why: String| {
        let ids: Vec<&str> = path.iter().map(|&i| net.nodes[i].id.as_str()).collect();
        whole(format!(
            "--chain longest could not build a chain from the longest source -> sink path ({}): {why}; import without --chain and write the chain topology by hand",
            ids.join(" -> ")
        ))
    };
    let chain = chain::bom_chain(&net, &products, &role_list, &path, baseline).map_err(cannot)?;
    layout.chain = Some((&chain, baseline));
    let text = toml_out::render(&net, &layout);
    let scenario = compiled(out_name, &text)
        .map_err(|e| shock_error(&net, &text, &e).unwrap_or_else(|| cannot(e.message)))?
        .scenario;
    Ok(Imported {
        toml: text,
        scenario,
        network: net,
    })
}

/// An error the scenario parser found in a rendered `[[shock]]` table, moved
/// to the input file's `shocks` attribute: `shock N: …` (N counts from 1, in
/// file order). `None` for errors elsewhere.
fn shock_error(net: &model::Network, text: &str, e: &InputError) -> Option<InputError> {
    let (source, place) = net.settings.shocks_at.as_ref()?;
    if !e.field.starts_with("shock") {
        return None;
    }
    let n = text
        .lines()
        .take(e.line)
        .filter(|l| l.trim() == "[[shock]]")
        .count();
    let which = if n > 0 {
        format!("shock {n}: ")
    } else {
        String::new()
    };
    Some(source.err(
        place,
        "shocks",
        format!("{which}{}: {}", e.field, e.message),
    ))
}

/// `text` parsed, validated and compiled (the flow checks too), as `check` does.
fn compiled(origin: &str, text: &str) -> Result<Prepared, InputError> {
    Scenario::from_toml(origin, text).and_then(Prepared::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::FlowNetwork;
    use proptest::prelude::*;

    fn file(origin: &str, text: &str, format: InputFormat) -> InputFile {
        InputFile {
            origin: origin.into(),
            bytes: text.as_bytes().to_vec(),
            format,
        }
    }

    const GRAPHML: &str = r#"<graphml><key id="r" for="node" attr.name="role" attr.type="string"/><key id="c" for="edge" attr.name="capacity" attr.type="double"><default>5</default></key><key id="s" for="graph" attr.name="shocks" attr.type="string"/><graph edgedefault="directed"><data key="s">[{"at": 2, "select": "degree", "count": 1}]</data><node id="a"><data key="r">source</data></node><node id="b"/><node id="c"/><edge source="a" target="b"/><edge source="b" target="c"><data key="c">2</data></edge></graph></graphml>"#;
    const JSON: &str = r#"{"directed": true, "graph": {"name": "n", "shocks": [{"at": 1, "select": "nodes", "nodes": ["a"], "duration": 2}, {"at": 3, "select": "random", "fraction": 0.5, "label": "x"}]}, "nodes": [{"id": "a", "capacity": 4, "product": "x"}, {"id": 2, "needs": {"x": 1}}], "links": [{"source": "a", "target": 2, "both_ways": false}]}"#;

    /// Every import either succeeds with a scenario that passes `check` or fails
    /// with an input error; the baseline of a success is positive.
    fn no_panic(files: &[InputFile]) {
        for chain in [ChainMode::None, ChainMode::Longest] {
            let opts = ImportOptions {
                chain,
                ..ImportOptions::default()
            };
            if let Ok(imp) = import(files, &opts) {
                let again = Scenario::from_toml("again", &imp.toml).expect("the text passes check");
                assert!(FlowNetwork::new(&again.topologies[0]).baseline() > 0.0);
            }
        }
    }

    #[test]
    fn the_seed_documents_import() {
        let g = import(
            &[file("g.graphml", GRAPHML, InputFormat::GraphMl)],
            &ImportOptions::default(),
        )
        .expect("imports");
        assert_eq!(FlowNetwork::new(&g.scenario.topologies[0]).baseline(), 2.0);
        let j = import(
            &[file("g.json", JSON, InputFormat::NodeLink)],
            &ImportOptions::default(),
        )
        .expect("imports");
        assert!(j.toml.contains("needs = { \"x\" = 1.0 }"), "{}", j.toml);
        assert!(!j.toml.contains("not a scenario field"), "{}", j.toml);
        assert_eq!(g.scenario.shocks.len(), 1);
        assert_eq!(j.scenario.shocks.len(), 2);
        assert_eq!(
            j.scenario.shocks[1].select,
            crate::scenario::Selection::Random(crate::scenario::Amount::Fraction(0.5))
        );
        let n2 = &j.scenario.topologies[0].nodes[1];
        assert_eq!(n2.needs.get("x"), Some(&1.0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn csv_cells_from_hostile_tokens_never_panic(
            rows in proptest::collection::vec(proptest::collection::vec(
                prop_oneof![
                    Just("a".to_string()), Just("b".to_string()), Just("c".to_string()), Just(String::new()),
                    Just("source".to_string()), Just("sink".to_string()), Just("\"x,y\"".to_string()),
                    Just("\"".to_string()), Just("1e400".to_string()), Just("-0".to_string()), Just("0.5".to_string()),
                    Just("uniform:1..2".to_string()), Just("台灣".to_string()), Just("\r".to_string()), any::<String>(),
                ], 0..6), 0..8),
            header in proptest::sample::subsequence(vec!["id", "role", "capacity", "failure_rate", "repair", "kind", "from", "to", "both_ways", "needs"], 0..8),
        ) {
            let mut text = header.join(",");
            for r in &rows {
                text.push('\n');
                text.push_str(&r.join(","));
            }
            no_panic(&[file("t.csv", &text, InputFormat::Csv)]);
            no_panic(&[file("n.csv", "id,role\na,source\nb,sink\n", InputFormat::Csv), file("l.csv", &text, InputFormat::Csv)]);
        }

        #[test]
        fn mangled_workbooks_never_panic(at in 0usize..7000, byte in any::<u8>(), cut in 0usize..7000) {
            for seed in [&include_bytes!("../../tests/fixtures/import/bikes.xlsx")[..], &include_bytes!("../../tests/fixtures/import/bikes.ods")[..]] {
                let mut b = seed.to_vec();
                let at = at % b.len();
                b[at] = byte;
                b.truncate(b.len() - cut % b.len() / 4);
                let f = InputFile { origin: "w.xlsx".into(), bytes: b, format: InputFormat::Sheet };
                no_panic(&[f]);
            }
        }

        #[test]
        fn mangled_graphml_and_json_never_panic(cut in 0usize..400, at in 0usize..400, c in any::<char>()) {
            for (seed, format, name) in [(GRAPHML, InputFormat::GraphMl, "g.graphml"), (JSON, InputFormat::NodeLink, "g.json")] {
                let mut s: Vec<char> = seed.chars().collect();
                let at = at.min(s.len());
                s.insert(at, c);
                let cut = cut.min(s.len());
                let mangled: String = s[..s.len() - cut / 8].iter().collect();
                no_panic(&[file(name, &mangled, format)]);
                let truncated: String = seed.chars().take(cut).collect();
                no_panic(&[file(name, &truncated, format)]);
            }
        }
    }
}
