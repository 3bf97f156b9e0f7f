//! The dashboard at the sizes people use (80×24, 100×32, 120×40, 200×50) never cuts
//! the answer: ports and owners, a reuseport pool's size, a hung mount's age, `denied`,
//! the distinguishing end of mount paths (and `lowerlayerdown` reads `no cable` here:
//! `once_fit.rs` checks the state word); columns never vanish as the window widens;
//! problems keep their order and get a line each when there is room; what is shown at a
//! threshold is judged at it. Drawn on ratatui's TestBackend from `fit_support`.

mod fit_support;

use ctop::health::Findings;
use ctop::snapshot::Snapshot;
use ctop::ui::dashboard::draw;
use ctop::ui::screen::Screen;
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use fit_support::{filesystem, findings, long_mounts, snapshot};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Instant;

const SIZES: [(u16, u16); 4] = [(80, 24), (100, 32), (120, 40), (200, 50)];

fn render_view(width: u16, height: u16, snapshot: &Snapshot, findings: &Findings, view: &mut View) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let screen = Screen { snapshot, findings, theme: Theme::MONO, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, view)).unwrap();
    let buf = terminal.backend().buffer();
    (0..height).map(|y| (0..width).map(|x| buf[(x, y)].symbol()).collect()).collect()
}

fn render(width: u16, height: u16, snapshot: &Snapshot) -> Vec<String> {
    render_view(width, height, snapshot, &findings(snapshot), &mut View::default())
}

fn shows(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

fn screen(lines: &[String]) -> String {
    lines.join("\n")
}

#[test]
fn ports_and_owners_are_whole_at_every_size() {
    let s = snapshot();
    for (w, h) in SIZES {
        let lines = render(w, h, &s);
        // The rows on screen: at 80×24 the ports table is three rows tall. There, beside a
        // long IPv6 listener, the pool's name may lose its end (`pyt…/8124 (8)`); its pid
        // and size never.
        for (port, owner) in [("127.0.0.1:5433", "python3/8123"), (":47015", "/8124 (8)"), (":8080", "nginx/900")] {
            let row = lines.iter().find(|l| l.contains(port));
            let row = row.unwrap_or_else(|| panic!("{w}×{h}: no {port}\n{}", screen(&lines)));
            assert!(row.contains(owner), "{w}×{h}: {owner} cut in {row:?}");
        }
        assert!(shows(&lines, "127.0.0.1:5433 "), "{w}×{h}\n{}", screen(&lines));
        if w >= 120 {
            assert!(shows(&lines, "python3/8124 (8)"), "{w}×{h}\n{}", screen(&lines));
        }
    }
}

#[test]
fn a_link_local_listener_loses_the_middle_of_its_address_not_its_port() {
    let lines = render(80, 24, &snapshot());
    let row = lines.iter().find(|l| l.contains(":8080")).unwrap();
    assert!(row.contains("[fe8") && row.contains("…") && row.contains("]:8080 nginx/900"), "{row:?}");
}

#[test]
fn hung_and_denied_mounts_say_so_whole() {
    let s = snapshot();
    for (w, h) in SIZES {
        let lines = render(w, h, &s);
        assert!(shows(&lines, "hung 12s"), "{w}×{h}\n{}", screen(&lines));
        assert!(shows(&lines, "denied"), "{w}×{h}\n{}", screen(&lines));
        assert!(!shows(&lines, "hung…") && !shows(&lines, "Perm…"), "{w}×{h}\n{}", screen(&lines));
    }
}

#[test]
fn mounts_under_one_long_directory_keep_their_distinguishing_end() {
    let mut s = snapshot();
    // Only the long mounts, so several are on screen even at 80×24.
    s.filesystems = long_mounts().iter().map(|m| filesystem(m, 1 << 30, 1 << 20)).collect();
    for (w, h) in SIZES {
        let lines = render(w, h, &s);
        let rows: Vec<&String> = lines.iter().filter(|l| l.contains("/data")).collect();
        assert!(rows.len() >= 2, "{w}×{h}\n{}", screen(&lines));
        for (i, row) in rows.iter().enumerate() {
            assert!(row.contains(&format!("/data{} ", i + 1)), "{w}×{h}: {row:?}");
        }
    }
}

/// The column titles on screen: every header row's words.
fn titles(lines: &[String]) -> Vec<String> {
    const KNOWN: [&str; 19] = [
        "MOUNT", "USE%", "FREE", "SIZE", "INO%", "IFREE", "TYPE", "DEVICE", "IFACE", "LINK", "DUPLEX", "ADDRESS",
        "MTU", "MAC", "KIND", "PID", "USER", "THR", "COMMAND",
    ];
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    KNOWN.iter().filter(|t| words.contains(t)).map(|t| t.to_string()).collect()
}

#[test]
fn a_wider_window_never_shows_fewer_columns() {
    let s = snapshot();
    for h in [24, 32, 40, 50] {
        let mut before = titles(&render(76, h, &s));
        for w in 77..=220 {
            let now = titles(&render(w, h, &s));
            let lost: Vec<&String> = before.iter().filter(|t| !now.contains(t)).collect();
            assert!(lost.is_empty(), "{} → {w}×{h} lost {lost:?}", w - 1);
            before = now;
        }
    }
    // The case reported: USER at 80 columns, and still there at 100.
    assert!(titles(&render(80, 24, &s)).contains(&"USER".to_string()));
    assert!(titles(&render(100, 32, &s)).contains(&"USER".to_string()));
}

#[test]
fn the_processes_title_keeps_its_label_at_the_minimum_size() {
    let lines = render(76, 14, &snapshot());
    assert!(shows(&lines, " Processes 253"), "{}", screen(&lines));
}

#[test]
fn a_filter_shows_its_match_count_and_the_position() {
    let s = snapshot();
    let f = findings(&s);
    for (w, h) in [(76, 14), (80, 24), (120, 40)] {
        let mut view = View::default();
        view.filter.text = "php".into();
        let lines = render_view(w, h, &s, &f, &mut view);
        let title = lines.iter().find(|l| l.contains(" Processes ")).unwrap();
        assert!(title.starts_with(" Processes ·") && title.contains(" /php: 250 of 253 "), "{w}×{h}: {title:?}");
        assert!(title.contains("/250 "), "{w}×{h}: the position: {title:?}");
    }
}

/// The problem lines: from the third row down to the CPU line.
fn problem_lines(lines: &[String]) -> Vec<&String> {
    lines.iter().skip(2).take_while(|l| !l.starts_with("CPU")).collect()
}

#[test]
fn the_oom_hint_is_listed_after_every_warning() {
    let s = snapshot();
    let lines = render(200, 70, &s);
    let problems = problem_lines(&lines);
    // Two errors, five warnings about now, then the hint about the past.
    assert_eq!(problems.len(), 8, "{problems:#?}");
    assert!(problems[0].starts_with("!! /mnt/archive not responding"), "{problems:#?}");
    assert!(problems[2..7].iter().all(|p| p.starts_with("! ") && !p.contains("OOM")), "{problems:#?}");
    assert!(problems[7].starts_with("! 3 OOM kills since boot"), "{problems:#?}");
}

#[test]
fn five_problems_get_five_lines_at_120x50() {
    let s = snapshot();
    let mut f = findings(&s);
    f.problems.truncate(5);
    let lines = render_view(120, 50, &s, &f, &mut View::default());
    let problems = problem_lines(&lines);
    assert_eq!(problems.len(), 5, "{problems:#?}");
    for (line, problem) in problems.iter().zip(&f.problems) {
        assert!(line.contains(&problem.message) && !line.contains(" · "), "{line:?}");
    }
}

#[test]
fn a_use_percent_shown_at_the_threshold_is_judged_at_it() {
    let s = snapshot();
    for (w, h) in SIZES {
        let lines = render(w, h, &s);
        let row = lines.iter().find(|l| l.contains("/run/edge ") && !l.contains("full"));
        let row = row.unwrap_or_else(|| panic!("{}", screen(&lines)));
        // 84.6 % used: `df` says 85 %, the warning level, so it is marked.
        assert!(row.starts_with("!  /run/edge") && row.contains(" 85%"), "{w}×{h}: {row:?}");
    }
    // Just under: 84.0 % is shown 84 % and not marked.
    let mut s = snapshot();
    s.filesystems = vec![filesystem("/run/edge", 1000 << 20, 840 << 20)];
    let lines = render(120, 40, &s);
    let row = lines.iter().find(|l| l.contains("/run/edge ")).unwrap();
    assert!(row.starts_with("   /run/edge") && row.contains(" 84%"), "{row:?}");
}
