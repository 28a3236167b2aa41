//! Every error path of `chainmesh import` / `export`: exit code 2, a message
//! with file:line:column (or the JSON path / sheet cell) and the field, no
//! panic, and nothing written to `--out`.

use std::path::Path;

use assert_cmd::Command;

struct Case {
    name: &'static str,
    /// (file name, contents) written into a temporary folder.
    files: &'static [(&'static str, &'static [u8])],
    extra: &'static [&'static str],
    /// Must appear in stderr.
    expect: &'static str,
}

const NODES: &[u8] = b"id,role,capacity\na,source,10\nb,sink,10\n";

const CASES: &[Case] = &[
    Case { name: "capacity not a number", files: &[("n.csv", b"id,role,capacity\na,source,10\nb,sink,lots\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:3:8: capacity: expected a number, found \"lots\"" },
    Case { name: "needs over the limit", files: &[("n.csv", b"id,role,product,needs\ns,source,p,\nf,,w,p:1e300\nk,sink,,\n"), ("l.csv", b"from,to\ns,f\nf,k\n")], extra: &[], expect: "n.csv:3:6: needs: expected a finite quantity > 0 (units of p per unit of output, at most 1e15), found 1e300" },
    Case { name: "capacity negative", files: &[("n.csv", b"id,role,capacity\na,source,-4\nb,sink,1\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: capacity: expected a finite capacity > 0 (units per step, at most 1e15), found -4" },
    Case { name: "capacity infinite", files: &[("n.csv", b"id,role,capacity\na,source,inf\nb,sink,1\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: capacity: expected a finite number" },
    Case { name: "failure rate one", files: &[("n.csv", b"id,role,failure_rate\na,source,1\nb,sink,0\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: failure_rate: expected a probability per step in [0, 1), found 1" },
    Case { name: "bad role", files: &[("n.csv", b"id,role\na,factory\nb,sink\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:3: role: expected source, relay or sink, found \"factory\"" },
    Case { name: "bad repair", files: &[("n.csv", b"id,role,repair\na,source,weekly\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: repair: expected fixed:N, uniform:A..B or geometric:M" },
    Case { name: "uniform repair reversed", files: &[("n.csv", b"id,role,repair\na,source,uniform:9..3\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: repair: expected min <= max" },
    Case { name: "bad needs", files: &[("n.csv", b"id,role,needs\na,source,battery\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: needs: expected PART:AMOUNT;PART:AMOUNT" },
    Case { name: "negative stock", files: &[("n.csv", b"id,role,stock\na,source,-1\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: stock: expected stock to be a finite number of units ≥ 0" },
    Case { name: "duplicate node id", files: &[("n.csv", b"id,role\na,source\nb,sink\na,relay\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:4:1: id: duplicate node id \"a\"" },
    Case { name: "ids collide after cleaning", files: &[("n.csv", b"id,role\na b,source\na_b,sink\n"), ("l.csv", b"from,to\na b,a_b\n")], extra: &[], expect: "n.csv:3:1: id: ids \"a b\" and \"a_b\" both become \"a_b\"" },
    Case { name: "id without letters", files: &[("n.csv", b"id,role\n!!!,source\nb,sink\n"), ("l.csv", b"from,to\n!!!,b\n")], extra: &[], expect: "n.csv:2:1: id: invalid id \"!!!\"" },
    Case { name: "missing id", files: &[("n.csv", b"id,role\n,source\nb,sink\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:1: id: missing id" },
    Case { name: "unknown node in links", files: &[("n.csv", NODES), ("l.csv", b"from,to\na,b\na,zz\n")], extra: &[], expect: "l.csv:3:3: to: unknown node \"zz\"" },
    Case { name: "link to itself", files: &[("n.csv", NODES), ("l.csv", b"from,to\na,a\n")], extra: &[], expect: "l.csv:2:1: to: link from \"a\" to itself" },
    Case { name: "link missing to", files: &[("n.csv", NODES), ("l.csv", b"from,to\na,\n")], extra: &[], expect: "l.csv:2:1: to: missing `to`" },
    Case { name: "bad both_ways", files: &[("n.csv", NODES), ("l.csv", b"from,to,both_ways\na,b,maybe\n")], extra: &[], expect: "l.csv:2:5: both_ways: expected true or false, found \"maybe\"" },
    Case { name: "link capacity zero", files: &[("n.csv", NODES), ("l.csv", b"from,to,capacity\na,b,0\n")], extra: &[], expect: "l.csv:2:5: capacity: expected a finite capacity > 0" },
    Case { name: "too many cells", files: &[("n.csv", b"id,role\na,source,extra\nb,sink\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: this row has 3 cells but the header has 2 columns" },
    Case { name: "duplicate column", files: &[("n.csv", b"id,Capacity,capacity\na,1,2\n")], extra: &[], expect: "n.csv:1:13: capacity: column \"capacity\" appears twice" },
    Case { name: "unclassifiable table", files: &[("n.csv", b"name,size\na,1\n")], extra: &[], expect: "n.csv: cannot tell nodes from links" },
    Case { name: "bad kind", files: &[("all.csv", b"kind,id,from,to\nnode,a,,\nwidget,b,,\n")], extra: &[], expect: "all.csv:3:1: kind: expected node or link, found \"widget\"" },
    Case { name: "empty csv", files: &[("n.csv", b"")], extra: &[], expect: "n.csv: the file is empty" },
    Case { name: "not utf-8", files: &[("n.csv", b"id,role\n\xff\xfe,source\n")], extra: &[], expect: "n.csv: the file is not valid UTF-8 (invalid byte at offset 8)" },
    Case { name: "unknown extension", files: &[("n.pdf", b"%PDF")], extra: &[], expect: "n.pdf: unknown file type" },
    Case { name: "no source (a cycle)", files: &[("l.csv", b"from,to\na,b\nb,a\n")], extra: &[], expect: "the network has no source; give some nodes role = source" },
    Case { name: "no sink", files: &[("n.csv", b"id,role\na,source\nb,source\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "the network has no sink" },
    Case { name: "undirected without roles", files: &[("u.graphml", b"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"><graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/><edge source=\"a\" target=\"b\"/></graph></graphml>")], extra: &[], expect: "no source (every link is two-way, as in an undirected graph" },
    Case { name: "source cut off from sinks", files: &[("n.csv", b"id,role\na,source\nb,sink\nc,source\nd,relay\n"), ("l.csv", b"from,to\na,b\nd,c\n")], extra: &[], expect: "the network is not a valid scenario: source \"c\" in topology \"network\" has no path to any sink" },
    Case { name: "graphml not xml", files: &[("g.graphml", b"<graphml>\n  <graph>\n    <node id=\"a\">\n  </graph>\n")], extra: &[], expect: "g.graphml:4:3: not well-formed XML" },
    Case { name: "graphml edge to unknown node", files: &[("g.graphml", b"<graphml>\n<graph edgedefault=\"directed\">\n<node id=\"a\"/>\n<node id=\"b\"/>\n<edge source=\"a\" target=\"q\"/>\n</graph>\n</graphml>\n")], extra: &[], expect: "g.graphml:5:1: to: unknown node \"q\"" },
    Case { name: "graphml bad data", files: &[("g.graphml", b"<graphml>\n<key id=\"c\" for=\"node\" attr.name=\"capacity\" attr.type=\"double\"/>\n<graph edgedefault=\"directed\">\n<node id=\"a\"><data key=\"c\">-1</data></node>\n<node id=\"b\"/>\n<edge source=\"a\" target=\"b\"/>\n</graph>\n</graphml>\n")], extra: &[], expect: "g.graphml:4:14: capacity: expected a finite capacity > 0" },
    Case { name: "graphml without graph", files: &[("g.graphml", b"<graphml/>")], extra: &[], expect: "g.graphml:1:1: no <graph> element" },
    Case { name: "graphml wrong root", files: &[("g.graphml", b"<svg/>")], extra: &[], expect: "g.graphml:1:1: expected a <graphml> document, found <svg>" },
    Case { name: "json not json", files: &[("g.json", b"{\"nodes\": [\n  {\"id\": 1},\n]}")], extra: &[], expect: "g.json:3:1: not valid JSON" },
    Case { name: "json bad capacity", files: &[("g.json", b"{\"directed\": true, \"nodes\": [{\"id\": \"a\", \"role\": \"source\"}, {\"id\": \"b\", \"capacity\": \"big\"}], \"links\": [{\"source\": \"a\", \"target\": \"b\"}]}")], extra: &[], expect: "g.json: capacity: nodes[1].capacity: expected a number, found \"big\"" },
    Case { name: "json without nodes", files: &[("g.json", b"{\"graph\": {}}")], extra: &[], expect: "g.json: expected a \"nodes\" array" },
    Case { name: "json bad directed", files: &[("g.json", b"{\"directed\": \"yes\", \"nodes\": []}")], extra: &[], expect: "g.json: \"directed\": expected true or false" },
    Case { name: "json bad node", files: &[("g.json", b"{\"nodes\": [3]}")], extra: &[], expect: "g.json: nodes[0]: expected an object" },
    Case { name: "shocks not an array", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": {"at": 1}}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: expected a JSON array of shocks like" },
    Case { name: "shocks not json", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": "[{at: 1}"}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: expected a JSON array of shocks like" },
    Case { name: "shock unknown key", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": [{"at": 1, "select": "random", "count": 1, "when": 3}]}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: shock 1: unknown field `when`" },
    Case { name: "shock missing at", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": [{"select": "random", "count": 1}]}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: shock 1: missing field `at`" },
    Case { name: "shock at not a number", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": [{"at": "soon", "select": "random", "count": 1}]}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: shock 1: invalid type: string \"soon\", expected i64" },
    Case { name: "shock after the last step", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": [{"at": 10, "select": "random", "count": 1}]}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: shock 1: shock.at: expected a step index in 0..10" },
    Case { name: "second shock bad select", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": [{"at": 1, "select": "random", "count": 1}, {"at": 2, "select": "everything"}]}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: shock 2: shock.select:" },
    Case { name: "shock count and fraction", files: &[("g.json", br#"{"directed": true, "graph": {"steps": 10, "shocks": [{"at": 1, "select": "degree", "count": 1, "fraction": 0.5}]}, "nodes": [{"id": "a", "role": "source"}, {"id": "b", "role": "sink"}], "links": [{"source": "a", "target": "b"}]}"#)], extra: &[], expect: "g.json: shocks: graph.shocks: shock 1: shock" },
    Case { name: "graphml shock at negative", files: &[("g.graphml", b"<graphml>\n<key id=\"s\" for=\"graph\" attr.name=\"shocks\" attr.type=\"string\"/>\n<graph edgedefault=\"directed\">\n<data key=\"s\">[{\"at\": -1, \"select\": \"random\", \"count\": 1}]</data>\n<node id=\"a\"/>\n<node id=\"b\"/>\n<edge source=\"a\" target=\"b\"/>\n</graph>\n</graphml>\n")], extra: &[], expect: "g.graphml:4:1: shocks: shock 1: shock.at: expected a step index" },
    Case { name: "graphml shocks not json", files: &[("g.graphml", b"<graphml>\n<key id=\"s\" for=\"graph\" attr.name=\"shocks\" attr.type=\"string\"/>\n<graph edgedefault=\"directed\">\n<data key=\"s\">typhoon at 20</data>\n<node id=\"a\"/>\n<node id=\"b\"/>\n<edge source=\"a\" target=\"b\"/>\n</graph>\n</graphml>\n")], extra: &[], expect: "g.graphml:4:1: shocks: expected a JSON array of shocks like" },
    Case { name: "csv unterminated quote", files: &[("n.csv", b"id,role\na,source\n\"b,sink\nc,sink\n")], extra: &[], expect: "n.csv:3:1: unterminated quote: this field opens a quote (\") that is never closed" },
    Case { name: "graphml foreign namespace", files: &[("g.graphml", b"<g:graphml xmlns:g=\"http://example.com/not-graphml\"><g:graph><g:node id=\"a\"/></g:graph></g:graphml>")], extra: &[], expect: "g.graphml:1:1: expected a GraphML document (namespace http://graphml.graphdrawing.org/xmlns), found <graphml> in namespace http://example.com/not-graphml" },
    Case { name: "corrupt workbook", files: &[("w.xlsx", b"PK\x03\x04 not really a zip")], extra: &[], expect: "w.xlsx: cannot read the workbook" },
    Case { name: "graph file with another file", files: &[("g.json", b"{}"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "g.json: a workbook, GraphML or JSON file holds the whole network: import it alone" },
    Case { name: "bad --map", files: &[("l.csv", b"from,to\na,b\n")], extra: &["--map", "colour=type"], expect: "--map \"colour=type\": \"colour\" is not a field" },
    Case { name: "--map without =", files: &[("l.csv", b"from,to\na,b\n")], extra: &["--map", "role"], expect: "expected FIELD=COLUMN" },
];

fn run_case(c: &Case) {
    let files: Vec<(&str, &[u8])> = c.files.iter().map(|(n, b)| (*n, *b)).collect();
    run_files(c.name, &files, c.extra, c.expect);
}

/// Import `files` (written into a temporary folder) with `--out out.toml`:
/// exit 2, `expect` in stderr, no panic, nothing written, no temporary left.
fn run_files(name: &str, files: &[(&str, &[u8])], extra: &[&str], expect: &str) {
    struct Run<'a> {
        name: &'a str,
        expect: &'a str,
    }
    let c = Run { name, expect };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["import".to_string()];
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).expect("write");
        args.push((*name).to_string());
    }
    args.extend(["--out".to_string(), "out.toml".to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = Command::cargo_bin("chainmesh")
        .expect("binary")
        .current_dir(dir.path())
        .args(&args)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}: exit code; stderr:\n{stderr}",
        c.name
    );
    assert!(
        stderr.contains(c.expect),
        "{}: expected {:?} in:\n{stderr}",
        c.name,
        c.expect
    );
    assert!(!stderr.contains("panicked"), "{}: {stderr}", c.name);
    assert!(
        !dir.path().join("out.toml").exists(),
        "{}: nothing is written on error",
        c.name
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{}: temporary files left", c.name);
}

#[test]
fn every_bad_input_exits_2_with_its_place_and_writes_nothing() {
    for c in CASES {
        run_case(c);
    }
}

#[test]
fn spreadsheet_errors_name_the_sheet_row_column_and_cell() {
    // bad-capacity.xlsx: LibreOffice's save of a sheet whose C3 holds "lots".
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.toml");
    let o = Command::cargo_bin("chainmesh")
        .expect("binary")
        .args(["import", "tests/fixtures/import/bad-capacity.xlsx", "--out"])
        .arg(&out)
        .current_dir(root)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad-capacity.xlsx (sheet bad-capacity):3:3: capacity: cell C3: expected a number, found \"lots\""),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn csv_errors_show_the_line_with_a_caret() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("n.csv"),
        "id,role,capacity\na,source,10\nb,sink,lots\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("l.csv"), "from,to\na,b\n").expect("write");
    let o = Command::cargo_bin("chainmesh")
        .expect("binary")
        .current_dir(dir.path())
        .args(["import", "n.csv", "l.csv"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("b,sink,lots"), "{stderr}");
    assert!(stderr.contains("^^^^"), "{stderr}");
    assert!(o.stdout.is_empty(), "nothing on stdout either");
}

#[test]
fn out_may_not_overwrite_an_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("l.csv"), "from,to\na,b\n").expect("write");
    let o = Command::cargo_bin("chainmesh")
        .expect("binary")
        .current_dir(dir.path())
        .args(["import", "l.csv", "--out", "./l.csv"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is an input file"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("l.csv")).expect("kept"),
        "from,to\na,b\n"
    );
}

#[test]
fn oversized_input_is_refused_before_reading_it_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.csv");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(chainmesh::scenario::MAX_FILE_BYTES + 1)
        .expect("sparse file");
    let o = Command::cargo_bin("chainmesh")
        .expect("binary")
        .arg("import")
        .arg(&big)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("larger than 256 MiB"));
}

#[test]
fn export_errors_exit_2() {
    for (args, expect) in [
        (
            &["export", "agriculture", "--format", "graphml"][..],
            "has 2 topologies and --format graphml holds one; pick it with --topology (chain, network)",
        ),
        (
            &[
                "export",
                "agriculture",
                "--format",
                "json",
                "--topology",
                "nope",
            ][..],
            "no topology \"nope\" in agriculture; it has: chain, network",
        ),
        (
            &["export", "no-such-scenario", "--format", "dot"][..],
            "no scenario file or built-in scenario named",
        ),
        (
            &["export", "agriculture", "--format", "svg"][..],
            "invalid value 'svg'",
        ),
    ] {
        let o = Command::cargo_bin("chainmesh")
            .expect("binary")
            .args(args)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
    }
}

/// Workbooks written here with the `zip` crate: small parts of XML, as
/// hostile as needed, and no binary fixture.
mod book {
    use std::io::Write;

    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in entries {
            let method = if *name == "mimetype" {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file(*name, opts).expect("entry");
            w.write_all(body).expect("write");
        }
        w.finish().expect("zip").into_inner()
    }

    /// An `.xlsx` with one sheet `nodes` whose `<sheetData>` is `rows`, and
    /// the number formats of `styles` (`<cellXfs>` content) if given.
    pub fn xlsx(rows: &str, styles: Option<&str>) -> Vec<u8> {
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        );
        let styles = styles.map(|x| {
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2">{x}</cellXfs></styleSheet>"#
            )
        });
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
            ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="nodes" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ];
        if let Some(st) = &styles {
            entries.push(("xl/styles.xml", st.as_bytes()));
        }
        zip(&entries)
    }

    /// An `.ods` whose spreadsheet body is `tables` (`<table:table>`s).
    pub fn ods(tables: &str) -> Vec<u8> {
        const MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        zip(&[
            ("mimetype", MIME),
            ("content.xml", content.as_bytes()),
            ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#),
        ])
    }

    /// An `.xlsx` row of inline strings: `row(1, &["id", "role"])`.
    pub fn row(r: u32, cells: &[&str]) -> String {
        let mut out = format!(r#"<row r="{r}">"#);
        for (i, c) in cells.iter().enumerate() {
            let col = char::from(b'A' + i as u8);
            out += &format!(r#"<c r="{col}{r}" t="inlineStr"><is><t>{c}</t></is></c>"#);
        }
        out + "</row>"
    }
}

/// Small workbooks that stand for huge sheets (issue 22, item 3): refused
/// from the cells streamed or counted before calamine builds the sheet
/// (before: abort allocating 512 GiB, or 1.3–2.5 GB and 10–17 s).
#[test]
fn small_workbooks_that_stand_for_huge_sheets_are_refused() {
    let one = r#"<c r="REF"><v>1</v></c>"#;
    let corner = book::xlsx(
        &format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            one.replace("REF", "A1"),
            one.replace("REF", "XFD1048576")
        ),
        None,
    );
    assert!(corner.len() < 20_000);
    run_files(
        "cells at A1 and XFD1048576",
        &[("w.xlsx", &corner)],
        &[],
        "w.xlsx (sheet nodes):1048576:16384: cell XFD1048576: the sheet is at least 1048576 × 16384 cells; at most 1000 columns and 4000000 cells are read",
    );
    let tall = book::xlsx(
        &format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            one.replace("REF", "A1"),
            one.replace("REF", "AN1048576")
        ),
        None,
    );
    run_files(
        "cells at A1 and AN1048576",
        &[("w.xlsx", &tall)],
        &[],
        "w.xlsx (sheet nodes):1048576:40: cell AN1048576: the sheet is at least 1048576 × 40 cells",
    );
    let repeated = book::ods(
        r#"<table:table table:name="nodes"><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="95" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>"#,
    );
    assert!(repeated.len() < 20_000);
    run_files(
        "ods rows repeated a million times",
        &[("w.ods", &repeated)],
        &[],
        "w.ods (sheet nodes): the sheet is at least 1048575 × 95 cells (repeated rows and cells counted); at most 1000 columns and 4000000 cells are read",
    );
    // Every sheet of an .ods is built at once: a sheet not imported counts too.
    let other = book::ods(
        r#"<table:table table:name="nodes"><table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell></table:table-row></table:table><table:table table:name="junk"><table:table-row table:number-rows-repeated="3000"><table:table-cell table:number-columns-repeated="999" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table><table:table table:name="junk2"><table:table-row table:number-rows-repeated="3000"><table:table-cell table:number-columns-repeated="999" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>"#,
    );
    run_files(
        "ods sheets over the limit together",
        &[("w.ods", &other)],
        &[],
        "w.ods (sheet junk2): the workbook's sheets hold at least 5994001 cells in all",
    );
    // A broken .ods says what is wrong, not "Cannot detect file format".
    let broken = book::zip(&[(
        "mimetype",
        b"application/vnd.oasis.opendocument.spreadsheet",
    )]);
    run_files(
        "ods without content.xml",
        &[("w.ods", &broken)],
        &[],
        "w.ods: cannot read the workbook: 'META-INF/manifest.xml' file not found in archive",
    );
}

#[test]
fn a_cell_with_too_much_text_is_refused_at_the_cell() {
    let long = "x".repeat(40_000);
    let w = book::xlsx(
        &(book::row(1, &["id", "role"]) + &book::row(2, &["a", &long])),
        None,
    );
    run_files(
        "40,000 characters in a cell",
        &[("w.xlsx", &w)],
        &[],
        "w.xlsx (sheet nodes):2:2: cell B2: the cell holds 40000 characters of text; at most 32767",
    );
}

/// Issue 22, item 12: a formula without a saved value, and a date, in a
/// capacity column (before: capacity 100 from [defaults], and 45292).
#[test]
fn uncomputed_formulas_and_dates_are_refused_at_their_cell() {
    let header = book::row(1, &["id", "role", "capacity"]);
    let formula = book::xlsx(
        &format!(
            r#"{header}{}<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="B3" t="inlineStr"><is><t>sink</t></is></c><c r="C3"><f>1/0</f></c></row>"#,
            book::row(2, &["a", "source"])
        ),
        None,
    );
    run_files(
        "formula without a cached value",
        &[("w.xlsx", &formula)],
        &[],
        "w.xlsx (sheet nodes):3:3: cell C3: the formula =1/0 has no computed value saved in the file",
    );
    let date = book::xlsx(
        &format!(
            r#"{header}{}<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="B3" t="inlineStr"><is><t>sink</t></is></c><c r="C3" s="1"><v>45292</v></c></row>"#,
            book::row(2, &["a", "source"])
        ),
        Some(r#"<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>"#),
    );
    run_files(
        "date as capacity",
        &[("w.xlsx", &date)],
        &[],
        "w.xlsx (sheet nodes):3:3: capacity: cell C3: expected a number, found \"2024-01-01\"",
    );
    let ods_formula = book::ods(
        r#"<table:table table:name="nodes"><table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>capacity</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell table:formula="of:=1/0"/></table:table-row></table:table>"#,
    );
    run_files(
        "ods formula without a cached value",
        &[("w.ods", &ods_formula)],
        &[],
        "w.ods (sheet nodes):2:2: cell B2: the formula =1/0 has no computed value saved in the file",
    );
}

/// Issue 22, item 4: one cell limit for every format, checked while reading
/// (before: a CSV of 999 columns took 3.2 GB per 20 MB and a GraphML file of
/// 1,000 keys with defaults 1.66 GB, with no limit on either).
#[test]
fn csv_and_graphml_stop_at_the_cell_limit() {
    let mut csv = String::from("id");
    for i in 2..=999 {
        csv += &format!(",c{i}");
    }
    let blank_row = ",".repeat(998);
    for i in 0..4100 {
        csv += &format!("\nn{i}{blank_row}");
    }
    run_files(
        "csv of 999 columns",
        &[("n.csv", csv.as_bytes())],
        &[],
        "n.csv:4006:1: too many cells: 4000995 read by this row (nodes and links × their columns or attributes); at most 4000000 cells are imported",
    );
    let mut g = String::from(r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns">"#);
    for k in 0..1000 {
        g += &format!(
            "\n<key id=\"k{k}\" for=\"node\" attr.name=\"a{k}\" attr.type=\"string\"><default>x</default></key>"
        );
    }
    g += "\n<graph edgedefault=\"directed\">";
    for n in 0..4100 {
        g += &format!("\n<node id=\"n{n}\"/>");
    }
    g += "\n</graph></graphml>\n";
    run_files(
        "graphml of 1,000 keys with defaults",
        &[("g.graphml", g.as_bytes())],
        &[],
        "g.graphml:4999:1: too many cells: 4000997 read by this node",
    );
}
