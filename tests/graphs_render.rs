//! The history graphs, timeline panel and past header on a ratatui TestBackend, over a
//! synthetic hour with a one-minute CPU and load spike 20 minutes before its end: the
//! spike is drawn in the right columns and red (past the error thresholds), the time
//! axis and scale are labelled, the past is announced, and 80×24 only gains a sparkline
//! where the CPU line leaves room.

mod history_support;

use ctop::health::timeline::Timeline;
use ctop::health::{self, Thresholds};
use ctop::history::History;
use ctop::snapshot::Snapshot;
use ctop::ui::dashboard::{draw, draw_with};
use ctop::ui::screen::{Screen, Times};
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use history_support::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::time::Instant;

fn render(width: u16, height: u16, history: &History, shown_ms: i64, with_times: bool) -> Buffer {
    render_in(Theme::COLOR, width, height, history, shown_ms, with_times)
}

fn render_in(theme: Theme, width: u16, height: u16, history: &History, shown_ms: i64, with_times: bool) -> Buffer {
    let snapshot = history.snapshot_at(shown_ms, &Snapshot::default()).unwrap();
    let thresholds = Thresholds::default();
    let findings = health::judge(&snapshot, &thresholds);
    let mut timeline = Timeline::default();
    timeline.observe(END_MS, &snapshot, &findings);
    let screen = Screen { snapshot: &snapshot, findings: &findings, theme, now: Instant::now() };
    let times = Times {
        history,
        timeline: &timeline,
        thresholds: &thresholds,
        shown_ms,
        newest_ms: END_MS,
        window_ms: HOUR_MS,
    };
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut view = View::default();
    if with_times {
        terminal.draw(|frame| draw_with(frame, &screen, Some(&times), &mut view)).unwrap();
    } else {
        terminal.draw(|frame| draw(frame, &screen, &mut view)).unwrap();
    }
    terminal.backend().buffer().clone()
}

fn line(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

/// The rows of the graph band: its title row and its axis row.
fn band(buf: &Buffer) -> (u16, u16) {
    let title = (0..buf.area.height).find(|&y| line(buf, y).starts_with("CPU ") && line(buf, y).contains('▲'));
    let title = title.expect("a graph band");
    let is_axis = |l: &str| l.chars().nth(2) == Some(':') && l.chars().nth(5) == Some('─');
    let axis = (title..buf.area.height).find(|&y| is_axis(&line(buf, y))).expect("a time axis");
    (title, axis)
}

/// Each graph's columns, from its axis: `HH:MM──-45m──…──HH:MM`, one space between graphs.
fn graph_columns(buf: &Buffer, axis: u16) -> Vec<(u16, u16)> {
    let text: Vec<char> = line(buf, axis).chars().collect();
    let mut graphs = Vec::new();
    let mut x = 0;
    while x < text.len() {
        let end = (x..text.len()).find(|&e| text[e] == ' ').unwrap_or(text.len());
        let run: String = text[x..end].iter().collect();
        if run.contains('─') && run.len() > 20 {
            graphs.push((x as u16, end as u16));
        }
        x = end + 1;
    }
    graphs
}

fn red_columns(buf: &Buffer, rows: std::ops::Range<u16>, columns: (u16, u16)) -> Vec<u16> {
    let bar = |s: &str| "▁▂▃▄▅▆▇█".contains(s) && s != " ";
    (columns.0..columns.1)
        .filter(|&x| rows.clone().any(|y| buf[(x, y)].fg == Color::Red && bar(buf[(x, y)].symbol())))
        .collect()
}

#[test]
fn the_spike_is_red_in_its_columns_with_axis_and_scale_labelled() {
    let history = hour();
    for (w, h) in [(120, 40), (250, 70)] {
        let buf = render(w, h, &history, END_MS, true);
        let (title, axis) = band(&buf);
        let graphs = graph_columns(&buf, axis);
        assert!(graphs.len() >= 4, "{w}x{h}: CPU, load, memory and an interface: {graphs:?}");
        assert!(line(&buf, title).contains("▲100%"), "{w}x{h}: the CPU scale's maximum");
        assert!(
            line(&buf, axis).contains("-15m") || line(&buf, axis).contains("-30m"),
            "{w}x{h}: {}",
            line(&buf, axis)
        );
        for (name, graph) in [("CPU", graphs[0]), ("load", graphs[1])] {
            let width = f64::from(graph.1 - graph.0);
            let red = red_columns(&buf, title + 1..axis, graph);
            let first = graph.0 + (40.0 / 60.0 * width) as u16;
            let last = graph.0 + (41.0 / 60.0 * width).ceil() as u16;
            assert!(!red.is_empty(), "{w}x{h} {name}: no red column");
            assert!(
                red.iter().all(|&x| x + 1 >= first && x <= last),
                "{w}x{h} {name}: red at {red:?}, spike at {first}..={last}"
            );
        }
        // The quiet rest of the CPU graph is drawn, and not in a warning colour.
        let quiet = graphs[0].0 + 2;
        let bottom = &buf[(quiet, axis - 1)];
        assert_ne!(bottom.symbol(), " ", "{w}x{h}: 5 % busy still shows");
        assert!(![Color::Red, Color::Yellow].contains(&bottom.fg), "{w}x{h}");
    }
}

#[test]
fn without_colour_the_spike_and_the_levels_are_told_by_their_characters() {
    let history = hour();
    for (w, h) in [(120, 40), (250, 70)] {
        let buf = render_in(Theme::MONO, w, h, &history, END_MS, true);
        let (title, axis) = band(&buf);
        let graphs = graph_columns(&buf, axis);
        for (name, graph) in [("CPU", graphs[0]), ("load", graphs[1])] {
            let width = f64::from(graph.1 - graph.0);
            let (first, last) = (graph.0 + (40.0 / 60.0 * width) as u16, graph.0 + (41.0 / 60.0 * width).ceil() as u16);
            let shaded: Vec<u16> =
                (graph.0..graph.1).filter(|&x| (title + 1..axis).any(|y| buf[(x, y)].symbol() == "▓")).collect();
            assert!(!shaded.is_empty(), "{w}x{h} {name}: the spike past the error level is shaded");
            assert!(shaded.iter().all(|&x| x + 1 >= first && x <= last), "{w}x{h} {name}: {shaded:?}");
            let guides: String = (title + 1..axis).map(|y| buf[(graph.0 + 1, y)].symbol().to_string()).collect();
            assert!(guides.contains('┈') && guides.contains('┅'), "{w}x{h} {name}: warning and error lines: {guides}");
        }
        let quiet = &buf[(graphs[0].0 + 2, axis - 1)];
        assert!(!["▒", "▓"].contains(&quiet.symbol()), "{w}x{h}: the quiet CPU is not marked");
    }
}

#[test]
fn big_terminals_fill_with_graphs_and_the_timeline() {
    let history = hour();
    let buf = render(250, 70, &history, END_MS, true);
    let (title, axis) = band(&buf);
    assert!(axis - title >= 5);
    assert!(line(&buf, title).contains("Timeline"), "{}", line(&buf, title));
    let buf = render(200, 50, &history, END_MS, true);
    let (title, axis) = band(&buf);
    assert!(axis - title >= 5 && line(&buf, title).contains("Timeline"));
}

/// The CPU and memory rows of a frame drawn with history and one without.
fn one_line_rows(buf: &Buffer) -> Vec<u16> {
    (0..buf.area.height).filter(|&y| ["CPU ", "Mem "].iter().any(|p| line(buf, y).starts_with(p))).collect()
}

#[test]
fn at_80x24_only_sparklines_are_added_where_the_lines_leave_room() {
    let history = hour();
    for at in [END_MS, SPIKE_FROM_MS + 30_000] {
        let (with, without) = (render(80, 24, &history, at, true), render(80, 24, &history, at, false));
        let lines = one_line_rows(&without);
        assert_eq!(lines.len(), 2);
        for y in (0..24).filter(|y| !lines.contains(y) && *y != 1) {
            assert_eq!(line(&with, y), line(&without, y), "row {y} is as it was");
        }
        for &y in &lines {
            let text = line(&without, y);
            assert!(line(&with, y).starts_with(text.trim_end()), "the line keeps its text: {}", line(&with, y));
        }
    }
}

#[test]
fn a_sparkline_shows_the_whole_hour_with_the_spike_in_its_place() {
    let history = hour();
    let buf = render(100, 24, &history, END_MS, true);
    let cpu = one_line_rows(&buf)[0];
    let row = line(&buf, cpu);
    // `60m ` then the whole hour, one column each, the spike (minute 40) red.
    let label = row.find("60m ").unwrap_or_else(|| panic!("a labelled sparkline: {row}"));
    let first = row[..label].chars().count() as u16 + 4;
    let width = 100 - first;
    assert!(width >= 8, "{row}");
    let red: Vec<u16> = (first..100).filter(|&x| buf[(x, cpu)].fg == Color::Red).collect();
    let spike = first + (40.0 / 60.0 * f64::from(width)) as u16;
    assert!(!red.is_empty() && red.iter().all(|&x| x + 1 >= spike && x <= spike + 1), "spike at {spike}: {red:?}");
    assert!((first..100).filter(|x| !red.contains(x)).all(|x| buf[(x, cpu)].symbol() != "█"), "the rest is low");
    // In the past, the moment shown is marked on it.
    let past = render(100, 24, &history, SPIKE_FROM_MS + 30_000, true);
    let marked: Vec<u16> = (first..100).filter(|&x| past[(x, cpu)].modifier.contains(Modifier::REVERSED)).collect();
    assert_eq!(marked.len(), 1, "{marked:?}");
    assert!(marked[0] + 1 >= spike && marked[0] <= spike + 1, "{marked:?} at {spike}");
}

#[test]
fn sparklines_show_only_without_a_graph_band() {
    let history = hour();
    let buf = render(120, 40, &history, END_MS, true);
    assert!((0..40).all(|y| !line(&buf, y).contains("60m ")), "the graphs say it at 120x40");
}

#[test]
fn a_past_moment_says_so_and_marks_the_graphs() {
    let history = hour();
    let at = SPIKE_FROM_MS + 30_000;
    let buf = render(120, 40, &history, at, true);
    let header = line(&buf, 1);
    assert!(header.starts_with(" PAST 11:40:30 · epoch 1795952430 · 19m ago · . for live"), "{header}");
    assert!(buf[(1, 1)].modifier.contains(Modifier::REVERSED));
    // The figures are the past ones: 97 % busy and load 5, judged as errors then.
    let text: String = (0..40).map(|y| line(&buf, y)).collect::<Vec<_>>().join("\n");
    assert!(text.contains("!! CPU 97% busy") && text.contains("!! load 5.0 on 2 CPUs"), "{text}");
    let (title, axis) = band(&buf);
    let graphs = graph_columns(&buf, axis);
    let cursor = (graphs[2].0..graphs[2].1).filter(|&x| buf[(x, title + 1)].modifier.contains(Modifier::REVERSED));
    let expected = graphs[2].0 + (40.5 / 60.0 * f64::from(graphs[2].1 - graphs[2].0)) as u16;
    assert_eq!(cursor.collect::<Vec<_>>(), [expected], "the memory graph's cursor at the moment shown");
}
