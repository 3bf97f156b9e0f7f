//! The Services panel and the cgroup tree drawn on ratatui's TestBackend from the
//! Kubernetes-node and systemd-host fixture trees: where the panel appears (tall
//! terminals only; 80×24 keeps what it showed), the tree in place of the process
//! table, its folding, sorting and filter, and names from the machine sanitized.

use ctop::collect::cgroups::{Cgroup, CgroupKind, CgroupSampler, Cgroups};
use ctop::health::{self, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{FixedSystem, Source};
use ctop::ui::cgroup_order::CgroupSort;
use ctop::ui::dashboard::draw;
use ctop::ui::screen::Screen;
use ctop::ui::table::Motion;
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn cgroups(fixture: &str) -> Cgroups {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cgroups").join(fixture);
    let mut sampler = CgroupSampler::new(Source::new(root, Arc::new(FixedSystem::default())));
    sampler.collect();
    sampler.collect()
}

fn render(snapshot: &Snapshot, view: &mut View, w: u16, h: u16) -> String {
    let findings = health::judge(snapshot, &Thresholds::default());
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let screen = Screen { snapshot, findings: &findings, theme: Theme::MONO, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, view)).unwrap();
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn with(cgroups: Cgroups) -> Snapshot {
    Snapshot { cgroups, ..Snapshot::default() }
}

#[test]
fn the_services_panel_shows_on_tall_terminals_and_80x24_keeps_its_areas() {
    let snapshot = with(cgroups("k8s-node"));
    let small = render(&snapshot, &mut View::default(), 80, 24);
    assert!(!small.contains("Services"), "{small}");
    assert_eq!(small, render(&Snapshot::default(), &mut View::default(), 80, 24), "80x24 draws as without cgroups");
    let tall = render(&snapshot, &mut View::default(), 120, 40);
    assert!(tall.contains(" Services 9 · 2 services, 4 containers, 3 pods · by CPU"), "{tall}");
    let app = tall.lines().find(|l| l.contains("prod/payments-7d9f8b6c4-x2kqz/app")).expect(&tall);
    assert!(app.starts_with("! "), "judged: {app}");
    assert!(app.contains("96%"), "memory against its limit: {app}");
    assert!(!tall.contains("kubepods-burstable.slice"), "slices add up their children: not listed");
}

#[test]
fn s_shows_the_tree_in_place_of_the_processes_folded_sorted_and_filtered() {
    let snapshot = with(cgroups("systemd-host"));
    let mut view = View::default();
    view.toggle_cgroup_tree();
    let screen = render(&snapshot, &mut view, 120, 40);
    assert!(screen.contains(" Cgroups 16 · by CPU"), "{screen}");
    assert!(!screen.contains(" Processes"), "the tree takes the processes' place");
    assert!(screen.contains("▾ system.slice"), "{screen}");
    assert!(screen.contains("    nginx.service"), "children indented under their parent:\n{screen}");
    view.cgroups.fold_all();
    let folded = render(&snapshot, &mut view, 120, 40);
    assert!(folded.contains("▸ system.slice") && !folded.contains("nginx.service  "), "{folded}");
    view.cgroups.fold_all();
    view.cgroups.sort = CgroupSort::Memory;
    view.filter.text = "getty".into();
    let filtered = render(&snapshot, &mut view, 120, 40);
    let rows: Vec<&str> = filtered.lines().filter(|l| l.contains("slice") || l.contains(".service")).collect();
    assert!(rows.iter().any(|l| l.contains("getty@tty1.service")), "{filtered}");
    assert!(rows.iter().any(|l| l.contains("system-getty.slice")), "its parents stay: {filtered}");
    assert!(!filtered.contains("nginx.service"), "{filtered}");
}

#[test]
fn names_from_the_machine_are_sanitized() {
    let evil = Cgroup {
        path: "/system.slice/docker-x.scope".into(),
        name: "web\u{1b}[2J\u{1b}]0;pwned\u{7}".into(),
        kind: CgroupKind::Container,
        image: Some("nginx\u{1b}[31m".into()),
        cpu_percent: Some(50.0),
        ..Cgroup::default()
    };
    let snapshot = with(Cgroups { list: vec![evil], ..Cgroups::default() });
    let screen = render(&snapshot, &mut View::default(), 200, 50);
    assert!(screen.contains("web?[2J?]0;pwned?"), "{screen}");
    assert!(screen.contains("nginx?[31m"), "{screen}");
    assert!(!screen.contains('\u{1b}'));
    let report = ctop::report::text(&snapshot, &health::judge(&snapshot, &Thresholds::default()), false);
    assert!(report.contains("web?[2J?]0;pwned?") && !report.contains('\u{1b}'), "{report}");
}

#[test]
fn left_and_right_fold_the_selected_branch_alone_and_the_selection_is_shown() {
    let snapshot = with(cgroups("systemd-host"));
    let mut view = View::default();
    view.toggle_cgroup_tree();
    render(&snapshot, &mut view, 120, 40);
    // ↓ (what the keys call; ui/app.rs's tests press them) to system.slice, whichever
    // row it sorted to.
    let at = view.cgroups.drawn.iter().position(|r| r.path == "/system.slice").unwrap();
    for _ in 0..at {
        view.scroll_focused(Motion::Down);
    }
    assert_eq!(view.cgroups.selected.as_deref(), Some("/system.slice"));
    view.cgroups.collapse();
    let folded = tree(&render(&snapshot, &mut view, 120, 40));
    assert!(folded.contains("▸ system.slice"), "{folded}");
    assert!(!folded.contains("nginx.service"), "its children hidden: {folded}");
    assert!(folded.contains("▾ user.slice") && folded.contains("session-3.scope"), "the others stay open: {folded}");
    assert!(folded.contains("1 folded"), "{folded}");

    // The selected row is drawn reversed.
    let findings = health::judge(&snapshot, &Thresholds::default());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let screen = Screen { snapshot: &snapshot, findings: &findings, theme: Theme::MONO, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, &mut view)).unwrap();
    let buf = terminal.backend().buffer();
    let reversed: Vec<String> = (0..40)
        .filter(|&y| buf[(60, y)].modifier.contains(ratatui::style::Modifier::REVERSED))
        .map(|y| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect();
    assert_eq!(reversed.len(), 1, "{reversed:?}");
    assert!(reversed[0].contains("▸ system.slice"), "{reversed:?}");

    // → unfolds it again; * folds every branch, and again unfolds every branch.
    view.cgroups.expand();
    assert!(tree(&render(&snapshot, &mut view, 120, 40)).contains("nginx.service"));
    view.cgroups.fold_all();
    let all = tree(&render(&snapshot, &mut view, 120, 70));
    assert!(
        !all.contains("nginx.service") && !all.contains("session-3.scope") && all.contains("▸ user.slice"),
        "{all}"
    );
    view.cgroups.fold_all();
    let open = tree(&render(&snapshot, &mut view, 120, 70));
    assert!(open.contains("nginx.service") && open.contains("session-3.scope"), "{open}");
}

/// The screen from the tree's title down (the Services panel above lists cgroups too).
fn tree(screen: &str) -> String {
    screen.split_once(" Cgroups ").map(|(_, tree)| tree.to_string()).unwrap_or_default()
}
