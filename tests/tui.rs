//! The TUI as a state machine: key messages in, state and numbers out. The
//! numbers on screen must be the engine's, step by step.

use std::time::Duration;

use assert_cmd::Command;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use chainmesh::scenario::{Scenario, parse_shock_arg};
use chainmesh::sim::{Cause, EventKind, FlowCache, Prepared, TopologyRun, run_trials};
use chainmesh::stats::{Tally, summarize};
use chainmesh::sweep::Attack;
use chainmesh::sweep::sweep_scenario;
use chainmesh::tui::app::{InputKind, Mode, ShockOrigin};
use chainmesh::tui::sweep::options as sweep_options;
use chainmesh::tui::{App, EventSource, McMode, Message, TuiOptions, event_loop, export};

const FARM: &str = "tests/fixtures/tui-farm.toml";

fn scenario() -> Scenario {
    Scenario::from_path(std::path::Path::new(FARM)).expect("fixture parses")
}

fn options(seed: u64, trial: u64, shocks: &[&str]) -> TuiOptions {
    TuiOptions {
        scenario: scenario(),
        scenario_arg: FARM.to_string(),
        seed,
        trial,
        shocks: shocks.iter().map(|s| s.to_string()).collect(),
        scales: Vec::new(),
        lang_zh: false,
    }
}

fn app(seed: u64, trial: u64) -> App {
    App::new(options(seed, trial, &[]), McMode::Off).expect("app starts")
}

fn key(c: char) -> Message {
    let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    Message::from_key(&ev, &Mode::Normal).expect("bound key")
}

/// φ of every step of every topology, straight from the engine.
fn engine_trace(prep: &Prepared, seed: u64, trial: u64) -> Vec<Vec<f64>> {
    (0..prep.topologies.len())
        .map(|k| {
            let mut run = TopologyRun::new(prep, k, seed, trial);
            let mut cache = FlowCache::default();
            std::iter::from_fn(|| run.step(prep, &mut cache).map(|r| r.service)).collect()
        })
        .collect()
}

fn with_shocks(specs: &[&str]) -> Prepared {
    let mut s = scenario();
    for spec in specs {
        let shock = parse_shock_arg(spec, &s).expect("valid shock");
        s.shocks.push(shock);
    }
    Prepared::new(s).expect("scenario compiles")
}

#[test]
fn the_screen_shows_the_engines_trace_step_by_step() {
    for (seed, trial) in [(42, 0), (42, 7), (9, 123)] {
        let mut a = app(seed, trial);
        let want = engine_trace(&with_shocks(&[]), seed, trial);
        let steps = want[0].len();
        for t in 0..steps {
            a.update(Message::Step);
            for (k, w) in want.iter().enumerate() {
                assert_eq!(a.live.history[k].len(), t + 1);
                assert_eq!(
                    a.live.history[k][t], w[t],
                    "seed {seed} trial {trial} topology {k} step {t}"
                );
            }
        }
        a.update(Message::Step);
        assert!(a.live.finished());
        assert_eq!(a.live.history, want);
    }
}

#[test]
fn ticks_replays_and_trial_keys_never_change_the_numbers() {
    let mut a = app(42, 3);
    a.update(key('n'));
    assert!(a.playback.paused, "stepping pauses");
    a.update(Message::Tick);
    assert_eq!(a.live.t(), 1, "no ticks while paused");
    a.update(key(' '));
    for _ in 0..25 {
        a.update(Message::Tick);
    }
    let first: Vec<Vec<f64>> = a.live.history.clone();
    a.update(key('r'));
    assert_eq!(a.live.t(), 0);
    a.update(key(']'));
    a.update(key(']'));
    a.update(key('['));
    assert_eq!(a.trial(), 4);
    a.update(key('['));
    for _ in 0..26 {
        a.update(Message::Tick);
    }
    assert_eq!(a.live.history, first);
    let want = engine_trace(&with_shocks(&[]), 42, 3);
    assert_eq!(a.live.history[1][..], want[1][..26]);
}

#[test]
fn a_knock_out_equals_replaying_with_the_shock() {
    let mut a = app(42, 5);
    a.update(key(' ')); // pause
    for _ in 0..10 {
        a.update(key('n'));
    }
    // Select the chain's food processor.
    while a.view.selected != (0, 1) {
        a.update(Message::SelectNext);
    }
    a.update(key('k'));
    assert_eq!(a.live.t(), 11, "a paused knock-out runs its step at once");
    let spec = "at=10,select=nodes,nodes=processor";
    assert_eq!(a.shock_specs(), vec![spec.to_string()]);
    assert!(
        a.reproduce().ends_with(&format!("--shock {spec}")),
        "{}",
        a.reproduce()
    );
    assert!(
        a.live.is_down(0, 1) && a.live.is_down(1, 2),
        "same id in both topologies"
    );
    let manual = a.live.log.iter().any(|e| {
        matches!(e.event.kind, EventKind::Down { cause: Cause::Shock(k), .. }
            if a.shocks.origins[k] == ShockOrigin::Manual("processor".into()))
    });
    assert!(manual, "the log names the manual knock-out");
    while !a.live.finished() {
        a.update(key('n'));
    }
    assert_eq!(a.live.history, engine_trace(&with_shocks(&[spec]), 42, 5));

    // Replaying keeps the knock-out; `x` drops it.
    a.update(key('r'));
    while !a.live.finished() {
        a.update(key('n'));
    }
    assert_eq!(a.live.history, engine_trace(&with_shocks(&[spec]), 42, 5));
    a.update(key('x'));
    assert!(a.shock_specs().is_empty());
    while !a.live.finished() {
        a.update(key('n'));
    }
    assert_eq!(a.live.history, engine_trace(&with_shocks(&[]), 42, 5));
}

#[test]
fn attacks_cycle_and_land_in_the_reproduce_command() {
    let mut a = App::new(
        options(42, 0, &["at=30,select=nodes,nodes=wholesaler,duration=3"]),
        McMode::Off,
    )
    .expect("app starts");
    a.update(key(' '));
    assert_eq!(a.shocks.next_attack, Attack::Random);
    a.update(key('a'));
    a.update(key('a'));
    a.update(key('a'));
    assert_eq!(a.shocks.next_attack, Attack::Random);
    let specs = a.shock_specs();
    assert_eq!(
        specs,
        vec![
            "at=30,select=nodes,nodes=wholesaler,duration=3".to_string(),
            "at=0,select=random,count=1".into(),
            "at=1,select=degree,count=1".into(),
            "at=2,select=betweenness,count=1".into(),
        ]
    );
    while !a.live.finished() {
        a.update(key('n'));
    }
    let refs: Vec<&str> = specs.iter().map(String::as_str).collect();
    assert_eq!(a.live.history, engine_trace(&with_shocks(&refs), 42, 0));
    let cmd = a.reproduce();
    assert!(cmd.starts_with(&format!(
        "chainmesh tui {FARM} --seed 42 --trial 0 --steps 60 --shock"
    )));
    assert!(
        cmd.contains("--shock at=2,select=betweenness,count=1"),
        "{cmd}"
    );
}

#[test]
fn prompts_parameters_and_popups_follow_the_keys() {
    let mut a = app(42, 0);
    a.update(key('g'));
    assert!(matches!(
        a.mode,
        Mode::Input {
            kind: InputKind::Trial,
            ..
        }
    ));
    for c in "17".chars() {
        let m = Message::from_key(
            &KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            &a.mode,
        );
        a.update(m.expect("digit"));
    }
    a.update(Message::Submit);
    assert_eq!((a.trial(), &a.mode), (17, &Mode::Normal));
    a.update(key('s'));
    for c in "99".chars() {
        a.update(Message::Input(c));
    }
    a.update(Message::Backspace);
    a.update(Message::Submit);
    assert_eq!((a.seed(), a.trial()), (9, 17));
    assert!(a.reproduce().contains("--seed 9 --trial 17"));

    a.update(key('?'));
    assert_eq!(a.mode, Mode::Help);
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(Message::from_key(&esc, &a.mode), Some(Message::Close));
    a.update(Message::Close);

    a.update(key('p'));
    assert_eq!(a.mode, Mode::Params { selected: 0 });
    let right = KeyEvent::new(KeyCode::Right, KeyModifiers::NONE);
    a.update(Message::from_key(&right, &a.mode).expect("nudge"));
    assert_eq!(a.params.failure, 1.25);
    // The change is a flag that reproduces it (issue 13 item 5), not a note.
    assert!(
        a.reproduce().contains("--scale failure_rate=1.25"),
        "{}",
        a.reproduce()
    );
    let rate = a.live.prep().scenario.topologies[0].nodes[0].failure_rate;
    assert!((rate - 0.0125).abs() < 1e-12);
    a.update(Message::ParamDown);
    a.update(Message::ParamNudge(-1));
    assert_eq!(a.params.repair, 0.75);
    a.update(Message::ParamReset);
    assert!(a.params.is_default() && !a.reproduce().contains("modified"));
    a.update(Message::Close);

    a.update(key('c'));
    assert_eq!(a.mode, Mode::Command);
    a.update(Message::Close);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(Message::from_key(&ctrl_c, &Mode::Help), Some(Message::Quit));
    a.update(key('q'));
    assert!(a.quit);
}

#[test]
fn a_click_selects_the_node_drawn_there() {
    let mut a = app(42, 0);
    a.update(Message::Resize(160, 48));
    let area = Rect::new(0, 0, 160, 48);
    let boxes = a.node_boxes(area, 1);
    let target = boxes.iter().find(|b| b.node == 4).expect("node 4 is drawn");
    a.update(Message::Click(target.x + 1, target.y));
    assert_eq!(a.view.selected, (1, 4));
    a.update(Message::SelectDown);
    assert_eq!(a.view.selected.0, 1);
}

#[test]
fn monte_carlo_numbers_equal_chainmesh_run() {
    let mut a = App::new(options(42, 0, &[]), McMode::Thread).expect("app starts");
    a.mc.wait();
    let prep = with_shocks(&[]);
    let table = run_trials(&prep, 42, 0..prep.scenario.trials);
    assert_eq!(a.mc.tally, Tally::of(&table));
    assert_eq!(a.mc.done(), prep.scenario.trials);
    assert_eq!(a.mc.summary, Some(summarize(&table, &prep.baselines())));

    // A new seed cancels the old worker and starts over.
    a.update(key('s'));
    a.update(Message::Input('5'));
    a.update(Message::Submit);
    a.mc.wait();
    let table = run_trials(&prep, 5, 0..prep.scenario.trials);
    assert_eq!(a.mc.tally, Tally::of(&table));
    assert_eq!(a.mc.summary, Some(summarize(&table, &prep.baselines())));
}

/// Issue 14 item 10: the worker keeps tallies, not trials. On a scenario
/// whose metrics take few values, ten times the trials hold no more values
/// (the old worker held one row per trial per topology).
#[test]
fn monte_carlo_worker_state_stays_bounded_as_trials_grow() {
    let text = "[scenario]\nname = \"tiny\"\nsector = \"other\"\nsteps = 2\ntrials = 10\n\
[defaults]\ncapacity = 1.0\nfailure_rate = 0.3\nrepair = { dist = \"fixed\", steps = 1 }\n\
[[topology]]\nid = \"a\"\n[[topology.node]]\nid = \"s\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"t\"\nrole = \"sink\"\n[[topology.link]]\nfrom = \"s\"\nto = \"t\"\n\
[[topology]]\nid = \"b\"\n[[topology.node]]\nid = \"s\"\nrole = \"source\"\n\
[[topology.node]]\nid = \"t\"\nrole = \"sink\"\n[[topology.link]]\nfrom = \"s\"\nto = \"t\"\n";
    let held = |trials: u64| {
        let prep = std::sync::Arc::new(
            chainmesh::sim::Prepared::new(
                chainmesh::scenario::Scenario::from_toml("tiny.toml", text).expect("valid"),
            )
            .expect("compiles"),
        );
        let mut mc = chainmesh::tui::worker::MonteCarlo::new(McMode::Thread, 2);
        mc.restart(prep, 1, trials);
        mc.wait();
        assert_eq!(mc.done(), trials);
        assert!(mc.tally.is_consistent());
        mc.held_values()
    };
    let (small, large) = (held(2_000), held(20_000));
    // Per-trial service over 2 steps of a 0/1 flow: 0, ½ or 1, in 2
    // topologies, 5 metrics and one difference: a few dozen values at most.
    assert!(large <= 60, "{large} values held for 20,000 trials");
    assert_eq!(small, large, "more trials, no more state");
}

#[test]
fn exports_are_the_bytes_of_trace_and_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = App::new(options(42, 3, &[]), McMode::Inline).expect("app starts");
    a.export_dir = dir.path().to_path_buf();
    a.update(key(' '));
    for _ in 0..5 {
        a.update(key('n'));
    }
    a.update(key('k')); // knock out the farm at step 5
    a.update(key('e'));
    let status = a.status.clone().unwrap_or_default();
    assert!(status.starts_with("wrote "), "{status}");
    let (trace_name, mc_name) = export::file_names(&a.export());
    // The knock-out is in the name: a short hash of the reproduce command.
    let hash = export::short_hash(&a.reproduce());
    assert_eq!(hash.len(), 8);
    assert_eq!(
        trace_name,
        format!("tui-farm-seed42-trial3-{hash}.trace.csv")
    );
    assert_eq!(
        mc_name,
        format!("tui-farm-seed42-trial3-{hash}.montecarlo.json")
    );
    let trace = std::fs::read(dir.path().join(&trace_name)).expect("trace written");
    let mc = std::fs::read(dir.path().join(&mc_name)).expect("summary written");

    let shock = "at=5,select=nodes,nodes=farm";
    let cli = |args: &[&str]| {
        Command::cargo_bin("chainmesh")
            .expect("binary")
            .args(args)
            .output()
            .expect("runs")
            .stdout
    };
    let want_trace = cli(&[
        "trace", FARM, "--seed", "42", "--trial", "3", "--steps", "60", "--shock", shock,
    ]);
    assert_eq!(
        String::from_utf8_lossy(&trace),
        String::from_utf8_lossy(&want_trace)
    );
    let want_mc = cli(&[
        "run", FARM, "--seed", "42", "--trials", "300", "--steps", "60", "--shock", shock,
        "--format", "json",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&mc),
        String::from_utf8_lossy(&want_mc)
    );
}

/// `e` twice never replaces the first export: the second pair takes `-2`
/// (a file already at a name is left alone); without knock-outs or attacks
/// the names carry no hash.
#[test]
fn exports_never_overwrite_an_earlier_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = app(42, 3);
    a.export_dir = dir.path().to_path_buf();
    let (trace, mc) = export::file_names(&a.export());
    assert_eq!(trace, "tui-farm-seed42-trial3.trace.csv");
    assert_eq!(mc, "tui-farm-seed42-trial3.montecarlo.json");
    // Something of the user's under the second name's montecarlo.json.
    let mine = dir.path().join("tui-farm-seed42-trial3-2.montecarlo.json");
    std::fs::write(&mine, "mine").expect("write");
    a.update(key('e'));
    a.update(key('e'));
    let status = a.status.clone().unwrap_or_default();
    assert!(status.contains("trial3-3.trace.csv"), "{status}");
    let first = std::fs::read(dir.path().join(&trace)).expect("first");
    let third = std::fs::read(dir.path().join("tui-farm-seed42-trial3-3.trace.csv")).expect("3rd");
    assert_eq!(first, third);
    assert_eq!(std::fs::read_to_string(&mine).expect("kept"), "mine");
    assert!(
        !dir.path()
            .join("tui-farm-seed42-trial3-2.trace.csv")
            .exists()
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "tui-farm-seed42-trial3-2.montecarlo.json",
            "tui-farm-seed42-trial3-3.montecarlo.json",
            "tui-farm-seed42-trial3-3.trace.csv",
            "tui-farm-seed42-trial3.montecarlo.json",
            "tui-farm-seed42-trial3.trace.csv",
        ],
        "no temporary files left"
    );
}

fn press(a: &mut App, code: KeyCode) {
    let m = Message::from_key(&KeyEvent::new(code, KeyModifiers::NONE), &a.mode);
    a.update(m.expect("bound key"));
}

#[test]
fn w_opens_and_closes_the_sweep_view() {
    let mut a = app(42, 0);
    a.update(key('w'));
    assert_eq!(a.mode, Mode::Sweep { giant: false });
    let want = sweep_scenario(&scenario(), &sweep_options(42));
    assert_eq!(a.sweep.report.as_ref(), Some(&want));
    assert_eq!(want.points, 21);
    assert_eq!(want.trials, chainmesh::sweep::DEFAULT_RANDOM_ORDERS);
    assert_eq!(
        want.trials, 100,
        "the default of sweep, the handout and the TUI"
    );
    assert_eq!(want.topologies.len(), 2);
    assert!(want.topologies.iter().all(|t| t.curves.len() == 3));
    assert_eq!(
        a.sweep_command(),
        format!("chainmesh sweep {FARM} --points 21 --trials 100 --seed 42")
    );
    // `g` (or Tab) switches the metric; other keys do nothing here.
    press(&mut a, KeyCode::Char('g'));
    assert_eq!(a.mode, Mode::Sweep { giant: true });
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.mode, Mode::Sweep { giant: false });
    let k = KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE);
    assert_eq!(Message::from_key(&k, &a.mode), None);
    // `w` again closes; so does Esc (which does not quit from here).
    press(&mut a, KeyCode::Char('w'));
    assert_eq!(a.mode, Mode::Normal);
    a.update(key('w'));
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Normal);
    assert!(!a.quit);

    // A new seed: the next `w` sweeps with it.
    a.update(key('s'));
    a.update(Message::Input('7'));
    a.update(Message::Submit);
    a.update(key('w'));
    assert_eq!(a.sweep.seed(), Some(7));
    assert_eq!(
        a.sweep.report.as_ref(),
        Some(&sweep_scenario(&scenario(), &sweep_options(7)))
    );
    assert!(a.sweep_command().ends_with("--seed 7"));
}

#[test]
fn the_sweep_view_computes_off_the_ui_thread() {
    let mut a = App::new(options(42, 0, &[]), McMode::Thread).expect("app starts");
    a.update(key('w'));
    assert_eq!(a.mode, Mode::Sweep { giant: false });
    // Nothing arrives before the loop polls: the screen says so.
    assert!(a.sweep.report.is_none());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| chainmesh::tui::render(&a, f))
        .expect("draws");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("computing…"), "{screen}");
    a.sweep.wait();
    assert_eq!(
        a.sweep.report,
        Some(sweep_scenario(&scenario(), &sweep_options(42)))
    );
    terminal
        .draw(|f| chainmesh::tui::render(&a, f))
        .expect("draws");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("robustness R"), "{screen}");
    assert!(!screen.contains("computing…"), "{screen}");
}

/// The numbers behind the sweep view are what the command in its footer prints.
#[test]
fn the_sweep_view_equals_chainmesh_sweep() {
    let mut a = app(42, 0);
    a.update(key('w'));
    let report = a.sweep.report.clone().expect("computed");
    let command = a.sweep_command();
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let out = Command::cargo_bin("chainmesh")
        .expect("binary")
        .args(&args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{command}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["seed"], 42);
    assert_eq!(json["trials"], chainmesh::sweep::DEFAULT_RANDOM_ORDERS);
    assert_eq!(json["points"], 21);
    assert_eq!(json["service_level"], report.service_level);
    let topologies = json["topologies"].as_array().expect("topologies");
    assert_eq!(topologies.len(), report.topologies.len());
    for (t, want) in report.topologies.iter().zip(topologies) {
        assert_eq!(want["id"], t.id.as_str());
        let attacks = want["attacks"].as_array().expect("attacks");
        assert_eq!(attacks.len(), t.curves.len());
        for (c, w) in t.curves.iter().zip(attacks) {
            assert_eq!(w["attack"], c.attack.as_str());
            assert_eq!(w["critical_fraction"].as_f64(), c.critical_fraction);
            let points = w["points"].as_array().expect("points");
            assert_eq!(points.len(), c.fractions.len());
            for (i, p) in points.iter().enumerate() {
                let at = format!("{} {} point {i}", t.id, c.attack);
                assert_eq!(p["f"].as_f64(), Some(c.fractions[i]), "{at}");
                assert_eq!(p["phi_mean"].as_f64(), Some(c.phi[i].mean), "{at}");
                assert_eq!(p["phi_ci95"].as_f64(), Some(c.phi[i].ci95), "{at}");
                assert_eq!(p["giant_mean"].as_f64(), Some(c.giant[i].mean), "{at}");
            }
        }
    }
}

/// Events from a script, then `q`.
struct Script(Vec<Event>);

impl EventSource for Script {
    fn next(&mut self, _timeout: Duration) -> std::io::Result<Option<Event>> {
        if self.0.is_empty() {
            return Ok(Some(Event::Key(KeyEvent::new(
                KeyCode::Char('q'),
                KeyModifiers::NONE,
            ))));
        }
        Ok(Some(self.0.remove(0)))
    }
}

#[test]
fn the_event_loop_runs_to_quit_on_a_test_backend() {
    let mut a = App::new(options(42, 0, &[]), McMode::Inline).expect("app starts");
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let k = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let mut script = Script(vec![k(' '), k('n'), k('n'), k('n'), k('k'), k('?')]);
    event_loop(&mut terminal, &mut a, &mut script).expect("loop ends");
    assert!(a.quit);
    assert_eq!(a.live.t(), 4);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("✗Farm"), "{screen}");
}

/// The text of the inspector's lines for node `i` of topology `k`.
fn inspector_text(a: &App, k: usize, i: usize) -> String {
    chainmesh::tui::render::inspector::lines(a, k, i, 200)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

/// The inspector's flow numbers are the engine's for that step: the flow
/// breakdown adds up to the engine's throughput of the step, each node's
/// number is drawn as the inspector shows it, and on the five-node chain
/// (a simple path) every node carries exactly the whole throughput.
#[test]
fn the_inspector_shows_the_engines_flow_at_every_step() {
    use chainmesh::network::FlowSolver;
    use chainmesh::tui::render::inspector::{flow_number, flows};
    let mut a = app(42, 0);
    a.update(Message::TogglePause);
    a.update(Message::Open(Mode::Inspect));
    let prep = with_shocks(&[]);
    let k_count = prep.topologies.len();
    let mut runs: Vec<TopologyRun> = (0..k_count)
        .map(|k| TopologyRun::new(&prep, k, 42, 0))
        .collect();
    let mut caches: Vec<FlowCache> = (0..k_count).map(|_| FlowCache::default()).collect();
    let mut solver = FlowSolver::default();
    let mut seen_outage = false;
    for _ in 0..prep.scenario.steps {
        a.update(Message::Step);
        for k in 0..k_count {
            let rec = runs[k].step(&prep, &mut caches[k]).expect("step runs");
            let p = &prep.topologies[k];
            let detail = a.live.flows[k].clone();
            // Exact network: the value is bit for bit the engine's throughput.
            assert_eq!(
                detail.value, rec.throughput,
                "step {} topology {k}",
                rec.step
            );
            let fresh = p
                .net
                .flow_detail(p.topology(), runs[k].down_mask(), &mut solver);
            assert_eq!(detail, fresh, "step {} topology {k}", rec.step);
            let topo = p.topology();
            for (i, node) in topo.nodes.iter().enumerate() {
                let (now, base) = flows(&a, k, i);
                assert_eq!(now, detail.node[i]);
                assert!(now <= node.capacity && (!runs[k].is_down(i) || now == 0.0));
                if k == 0 {
                    // The chain is a simple path: every node carries all of it.
                    assert_eq!(now, rec.throughput, "chain node {i} at step {}", rec.step);
                    assert_eq!(base, p.net.baseline());
                }
            }
            if rec.throughput < p.net.baseline() {
                seen_outage = true;
            }
        }
        // What the inspector draws for the selected node is that number.
        let (k, i) = a.view.selected;
        let text = inspector_text(&a, k, i);
        let (now, base) = flows(&a, k, i);
        assert!(
            text.contains(&format!("flow now {}", flow_number(now))),
            "{text}"
        );
        assert!(
            text.contains(&format!("at baseline {}", flow_number(base))),
            "{text}"
        );
        a.update(Message::SelectNext);
        assert_eq!(
            a.mode,
            Mode::Inspect,
            "selection keys keep the inspector open"
        );
    }
    assert!(
        seen_outage,
        "the trial has outages, so the check means something"
    );
}

/// After a knock-out the ghost line is the same trial without it: exactly
/// the engine's trace of the scenario without the user's shock.
#[test]
fn the_ghost_line_is_the_trial_without_the_knock_out() {
    let mut a = app(42, 0);
    a.update(Message::TogglePause);
    assert!(a.ghost().is_none());
    for _ in 0..12 {
        a.update(Message::Step);
    }
    assert_eq!(a.view.selected, (0, 0), "the chain's farm");
    a.update(Message::KnockOut);
    let ghost = a.ghost().expect("a ghost after k").to_vec();
    assert_eq!(ghost, engine_trace(&with_shocks(&[]), 42, 0));
    // The live line is the trial with the shock; they differ at the chain.
    let with = engine_trace(&with_shocks(&["at=12,select=nodes,nodes=farm"]), 42, 0);
    assert_eq!(a.live.history[0][..], with[0][..a.live.history[0].len()]);
    assert_eq!(
        (ghost[0][12], with[0][12]),
        (1.0, 0.0),
        "what the knock-out cost"
    );
    // Another seed: the ghost follows.
    a.update(Message::Open(Mode::Input {
        kind: InputKind::Seed,
        text: String::new(),
    }));
    a.update(Message::Input('7'));
    a.update(Message::Submit);
    assert_eq!(
        a.ghost().expect("still knocked out"),
        engine_trace(&with_shocks(&[]), 7, 0)
    );
    a.update(Message::ClearShocks);
    assert!(a.ghost().is_none());
}

/// `/` finds nodes in either language and Enter inspects the match; `o`
/// opens the picker and Enter opens the highlighted scenario.
#[test]
fn search_and_picker_follow_the_keys() {
    let mut a = app(42, 0);
    a.update(key('/'));
    for c in "批發".chars() {
        a.update(Message::Input(c));
    }
    assert_eq!(a.search("批發"), vec![(0, 2)]);
    a.update(Message::Submit);
    assert_eq!((a.view.selected, &a.mode), ((0, 2), &Mode::Inspect));
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    a.update(Message::from_key(&esc, &a.mode).expect("esc"));
    assert_eq!(a.mode, Mode::Normal);
    a.update(key('/'));
    a.update(Message::Input('z'));
    a.update(Message::Input('q'));
    a.update(Message::Submit);
    assert_eq!(a.mode, Mode::Normal);
    assert!(
        a.status
            .as_deref()
            .unwrap_or("")
            .contains("no node matches")
    );
    // The picker: the third built-in opens with its own seed, trial 0.
    a.update(key('o'));
    assert!(matches!(a.mode, Mode::Picker { .. }));
    let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    a.mode = Mode::Picker { selected: 0 };
    a.update(Message::from_key(&down, &a.mode).expect("down"));
    a.update(Message::from_key(&down, &a.mode).expect("down"));
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    a.update(Message::from_key(&enter, &a.mode).expect("enter"));
    let b = &chainmesh::scenario::builtin::BUILTINS[2];
    let expect = Scenario::from_toml(&format!("{}.toml (built-in)", b.name), b.text).expect("ok");
    assert_eq!(a.mode, Mode::Normal);
    assert_eq!(a.base_scenario(), &expect);
    assert_eq!((a.seed(), a.trial()), (expect.seed, 0));
    assert!(
        a.reproduce()
            .starts_with(&format!("chainmesh tui {} ", b.name))
    );
}

/// The trial waits behind the picker (`o`) and goes on when it closes; a
/// trial paused before stays paused.
#[test]
fn the_picker_pauses_the_trial_and_closing_resumes_it() {
    let mut a = app(42, 0);
    a.update(Message::Tick);
    let t = a.live.t();
    a.update(key('o'));
    assert!(matches!(a.mode, Mode::Picker { .. }));
    assert!(!a.running());
    for _ in 0..3 {
        a.update(Message::Tick);
    }
    assert_eq!(a.live.t(), t, "no step behind the picker");
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    a.update(Message::from_key(&esc, &a.mode).expect("esc"));
    assert_eq!(a.mode, Mode::Normal);
    assert!(a.running());
    a.update(Message::Tick);
    assert_eq!(a.live.t(), t + 1, "running again once closed");
    // Paused before: still paused after.
    a.update(key(' '));
    assert!(!a.running());
    a.update(key('o'));
    a.update(Message::from_key(&esc, &a.mode).expect("esc"));
    assert!(a.playback.paused && !a.running());
}

/// A 1,500-node two-way ring with chords and a betweenness shock at step 2,
/// against a chain: Brandes takes long enough to be seen pending.
fn betweenness_scenario() -> Scenario {
    let n = 1500;
    let mut text = String::from(
        "[scenario]\nname = \"ranked\"\nsector = \"other\"\nsteps = 6\ntrials = 4\nseed = 1\n\
[defaults]\ncapacity = 10.0\nfailure_rate = 0.0\n\
[[shock]]\nat = 2\nselect = \"betweenness\"\ncount = 1\nlabel = \"hub\"\n\
[[topology]]\nid = \"ring\"\n",
    );
    for i in 0..n {
        let role = match i {
            0 => "\nrole = \"source\"",
            1 => "\nrole = \"sink\"",
            _ => "",
        };
        text.push_str(&format!("[[topology.node]]\nid = \"n{i}\"{role}\n"));
    }
    for i in 0..n {
        for j in [(i + 1) % n, (i + 37) % n] {
            text.push_str(&format!(
                "[[topology.link]]\nfrom = \"n{i}\"\nto = \"n{j}\"\nboth_ways = true\n"
            ));
        }
    }
    Scenario::from_toml("ranked.toml", &text).expect("valid")
}

/// Issue 14 item 13 (TUI half): the betweenness ranking is computed in the
/// background. While it runs the trial waits, the footer says so and `q`
/// quits; once done the shock hits the engine's top node, and a recompile
/// (a knock-out) takes the ranking over instead of running Brandes again.
#[test]
fn betweenness_is_ranked_in_the_background_and_q_always_works() {
    let options = || TuiOptions {
        scenario: betweenness_scenario(),
        scenario_arg: "ranked.toml".into(),
        seed: 1,
        trial: 0,
        shocks: Vec::new(),
        scales: Vec::new(),
        lang_zh: false,
    };
    let mut a = App::new(options(), McMode::Off).expect("app starts");
    // App::new returned at once: the ranking runs on its own thread.
    let mut waited = 0;
    while chainmesh::tui::ranking::needs(a.live.prep()) {
        let t = a.live.t();
        a.update(Message::Tick);
        a.update(Message::Step);
        assert_eq!(a.live.t(), t, "the trial waits for the ranking");
        let status = a.status.clone().unwrap_or_default();
        assert!(status.contains("ranking nodes by betweenness"), "{status}");
        waited += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("waited {waited} polls for the ranking");
    // Ranked: stepping resumes and the shock hits the top-ranked node.
    for _ in 0..3 {
        a.update(Message::Step);
    }
    assert_eq!(a.live.t(), 3);
    let top = a.live.prep().topologies[0].by_betweenness()[0];
    assert!(a.live.is_down(0, top), "the shock hit node {top}");
    // A knock-out recompiles: the ranking carries over, nothing is pending.
    a.update(key('k'));
    assert!(!chainmesh::tui::ranking::needs(a.live.prep()));
    // Inline mode (snapshots) ranks at once; `q` quits at any time.
    let mut b = App::new(options(), McMode::Inline).expect("app starts");
    assert!(!chainmesh::tui::ranking::needs(b.live.prep()));
    let mut c = App::new(options(), McMode::Off).expect("app starts");
    c.update(key('q'));
    assert!(c.quit);
    b.update(key('q'));
    assert!(b.quit);
}
