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
    Case { name: "capacity negative", files: &[("n.csv", b"id,role,capacity\na,source,-4\nb,sink,1\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: capacity: expected a capacity > 0 and at most 1e15, found -4" },
    Case { name: "capacity infinite", files: &[("n.csv", b"id,role,capacity\na,source,inf\nb,sink,1\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: capacity: expected a finite number" },
    Case { name: "failure rate one", files: &[("n.csv", b"id,role,failure_rate\na,source,1\nb,sink,0\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: failure_rate: expected a probability in [0, 1), found 1" },
    Case { name: "bad role", files: &[("n.csv", b"id,role\na,factory\nb,sink\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:3: role: expected source, relay or sink, found \"factory\"" },
    Case { name: "bad repair", files: &[("n.csv", b"id,role,repair\na,source,weekly\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: repair: expected fixed:N, uniform:A..B or geometric:M" },
    Case { name: "uniform repair reversed", files: &[("n.csv", b"id,role,repair\na,source,uniform:9..3\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: repair: expected min <= max" },
    Case { name: "bad needs", files: &[("n.csv", b"id,role,needs\na,source,battery\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: needs: expected PART:AMOUNT;PART:AMOUNT" },
    Case { name: "negative stock", files: &[("n.csv", b"id,role,stock\na,source,-1\nb,sink,\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:10: stock: expected a stock >= 0" },
    Case { name: "duplicate node id", files: &[("n.csv", b"id,role\na,source\nb,sink\na,relay\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:4:1: id: duplicate node id \"a\"" },
    Case { name: "ids collide after cleaning", files: &[("n.csv", b"id,role\na b,source\na_b,sink\n"), ("l.csv", b"from,to\na b,a_b\n")], extra: &[], expect: "n.csv:3:1: id: ids \"a b\" and \"a_b\" both become \"a_b\"" },
    Case { name: "id without letters", files: &[("n.csv", b"id,role\n!!!,source\nb,sink\n"), ("l.csv", b"from,to\n!!!,b\n")], extra: &[], expect: "n.csv:2:1: id: invalid id \"!!!\"" },
    Case { name: "missing id", files: &[("n.csv", b"id,role\n,source\nb,sink\n"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "n.csv:2:1: id: missing id" },
    Case { name: "unknown node in links", files: &[("n.csv", NODES), ("l.csv", b"from,to\na,b\na,zz\n")], extra: &[], expect: "l.csv:3:3: to: unknown node \"zz\"" },
    Case { name: "link to itself", files: &[("n.csv", NODES), ("l.csv", b"from,to\na,a\n")], extra: &[], expect: "l.csv:2:1: to: link from \"a\" to itself" },
    Case { name: "link missing to", files: &[("n.csv", NODES), ("l.csv", b"from,to\na,\n")], extra: &[], expect: "l.csv:2:1: to: missing `to`" },
    Case { name: "bad both_ways", files: &[("n.csv", NODES), ("l.csv", b"from,to,both_ways\na,b,maybe\n")], extra: &[], expect: "l.csv:2:5: both_ways: expected true or false, found \"maybe\"" },
    Case { name: "link capacity zero", files: &[("n.csv", NODES), ("l.csv", b"from,to,capacity\na,b,0\n")], extra: &[], expect: "l.csv:2:5: capacity: expected a capacity > 0" },
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
    Case { name: "graphml bad data", files: &[("g.graphml", b"<graphml>\n<key id=\"c\" for=\"node\" attr.name=\"capacity\" attr.type=\"double\"/>\n<graph edgedefault=\"directed\">\n<node id=\"a\"><data key=\"c\">-1</data></node>\n<node id=\"b\"/>\n<edge source=\"a\" target=\"b\"/>\n</graph>\n</graphml>\n")], extra: &[], expect: "g.graphml:4:14: capacity: expected a capacity > 0" },
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
    Case { name: "corrupt workbook", files: &[("w.xlsx", b"PK\x03\x04 not really a zip")], extra: &[], expect: "w.xlsx: cannot read the workbook" },
    Case { name: "graph file with another file", files: &[("g.json", b"{}"), ("l.csv", b"from,to\na,b\n")], extra: &[], expect: "g.json: a workbook, GraphML or JSON file holds the whole network: import it alone" },
    Case { name: "bad --map", files: &[("l.csv", b"from,to\na,b\n")], extra: &["--map", "colour=type"], expect: "--map \"colour=type\": \"colour\" is not a field" },
    Case { name: "--map without =", files: &[("l.csv", b"from,to\na,b\n")], extra: &["--map", "role"], expect: "expected FIELD=COLUMN" },
];

fn run_case(c: &Case) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["import".to_string()];
    for (name, body) in c.files {
        std::fs::write(dir.path().join(name), body).expect("write");
        args.push((*name).to_string());
    }
    args.extend(["--out".to_string(), "out.toml".to_string()]);
    args.extend(c.extra.iter().map(|s| s.to_string()));
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
