//! Processes and repeated binaries. The process table shows totals by state and the age
//! of the last scan in its title, then the processes sorted by CPU or memory (and
//! filtered by name); only the rows on screen are formatted. Beside it, the executables
//! with the most instances.

use crate::collect::procs::{ProcessRow, Processes};
use crate::format;
use crate::health::{Key, Severity};
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Table};
use crate::ui::text::{PENDING, Segment, fit_segments, judged};
use crate::ui::view::{Focus, SortBy, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

const COLUMNS: [Column; 8] = [
    Column::right("PID", 7, 0),
    Column::left("USER", 9, 2),
    Column::left("S", 1, 3),
    Column::right("CPU%", 5, 0),
    Column::right("MEM", 5, 0),
    Column::right("THR", 4, 5),
    Column::left("NAME", 15, 0),
    Column::left("COMMAND", 24, 1).growing(),
];

const REPEATED_COLUMNS: [Column; 2] = [Column::left("BINARY", 12, 0).growing(), Column::right("COUNT", 6, 0)];

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let theme = screen.theme;
    let focused = view.focus == Focus::Processes;
    let Some(processes) = &screen.snapshot.processes else {
        let title = title(None, area.width, screen, view);
        let table = Table { title, columns: &COLUMNS, len: 0, empty: "scanning…", focused, judged: true };
        let no_rows = |_| Row { severity: Severity::Ok, cells: Vec::new() };
        table.render(area, buf, theme, view.scroll(Focus::Processes), no_rows);
        return;
    };
    let title = title(Some(processes), area.width, screen, view);
    let zombie = screen.findings.severity(&Key::Zombies);
    let empty = if view.filter.text.is_empty() { "none" } else { "no process matches" };
    let (order, scroll) = view.process_table(processes);
    let table = Table { title, columns: &COLUMNS, len: order.len(), empty, focused, judged: true };
    table.render(area, buf, theme, scroll, |i| row(&processes.list[order[i] as usize], zombie, screen));
}

/// Room left on the rule for the scroll position (` 1-20/1234 `).
const SCROLL_ROOM: u16 = 14;

fn title<'a>(processes: Option<&Processes>, width: u16, screen: &Screen, view: &View) -> Line<'a> {
    let theme = screen.theme;
    let name = match processes {
        Some(p) => format!(" Processes {}", p.total),
        None => " Processes".to_string(),
    };
    let age = match screen.snapshot.processes_scanned_at {
        // `(r)`: the key that rescans now.
        Some(at) => format!("scan {}s ago (r)", screen.now.saturating_duration_since(at).as_secs()),
        None => "scanning…".to_string(),
    };
    let stalled = screen.findings.severity(&Key::ProcessScan);
    let age = match screen.snapshot.process_scan_started {
        // The age of the table shown matters less than that no newer one is coming.
        Some(at) if stalled != Severity::Ok => {
            let waiting = screen.now.saturating_duration_since(at).as_secs();
            judged(format!("scan not responding for {waiting}s"), stalled, theme)
        }
        _ => vec![Span::raw(age)],
    };
    let mut segments = vec![Segment::new(0, vec![Span::raw(name)]), Segment::new(0, age)];
    if let Some(p) = processes {
        segments.push(Segment::new(3, vec![Span::raw(format!("{} running", p.running))]));
        if p.blocked > 0 {
            let severity = screen.findings.severity(&Key::Blocked);
            let priority = if severity == Severity::Ok { 3 } else { 1 };
            segments.push(Segment::new(priority, judged(format!("{} blocked", p.blocked), severity, theme)));
        }
        if p.zombie > 0 {
            let severity = screen.findings.severity(&Key::Zombies);
            segments.push(Segment::new(1, judged(format!("{} zombie", p.zombie), severity, theme)));
        }
    }
    let sort = match view.sort {
        SortBy::Cpu => "by CPU",
        SortBy::Memory => "by mem",
    };
    segments.push(Segment::new(1, vec![Span::raw(sort)]));
    if view.filter.editing || !view.filter.text.is_empty() {
        let cursor = if view.filter.editing { "_" } else { "" };
        segments.push(Segment::new(0, vec![Span::raw(format!("/{}{cursor}", view.filter.text))]));
    }
    let mut line = fit_segments(segments, width.saturating_sub(SCROLL_ROOM) as usize, theme);
    line.spans.push(Span::raw(" "));
    line
}

fn row<'a>(p: &'a ProcessRow, zombie: Severity, screen: &Screen) -> Row<'a> {
    let severity = if p.state == 'Z' { zombie } else { Severity::Ok };
    let dim = screen.theme.dim();
    Row {
        severity,
        cells: vec![
            Span::raw(p.pid.to_string()),
            Span::raw(p.user.as_ref()),
            Span::styled(p.state.to_string(), screen.theme.severity(severity)),
            Span::raw(p.cpu_percent.map_or(PENDING.to_string(), |c| format!("{c:.1}"))),
            Span::raw(format::bytes_short(p.rss_bytes)),
            Span::raw(p.threads.to_string()),
            Span::raw(p.name.as_ref()),
            if p.kernel_thread { Span::styled("[kernel thread]", dim) } else { Span::raw(p.cmdline.as_ref()) },
        ],
    }
}

pub fn draw_repeated(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let theme = screen.theme;
    let repeated = screen.snapshot.processes.as_ref().map_or(&[][..], |p| &p.repeated[..]);
    let table = Table {
        title: Line::from(if area.width >= 36 { " Repeated binaries " } else { " Repeated " }),
        columns: &REPEATED_COLUMNS,
        len: repeated.len(),
        empty: if screen.snapshot.processes.is_some() { "none" } else { "scanning…" },
        focused: false,
        judged: true,
    };
    table.render(area, buf, theme, &mut view.repeated_scroll, |i| {
        let r = &repeated[i];
        let severity = screen.findings.severity(&Key::Repeated(r.name.to_string()));
        let style = theme.severity(severity);
        Row { severity, cells: vec![Span::styled(r.name.as_ref(), style), Span::styled(r.count.to_string(), style)] }
    });
}
