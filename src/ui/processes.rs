//! Processes and repeated binaries. The process table shows totals by state and the age
//! of the last scan in its title, then the processes sorted by CPU or memory (and
//! filtered by name); only the rows on screen are formatted. Beside it, the executables
//! with the most instances.

use crate::collect::procs::{ProcessRow, Processes};
use crate::format;
use crate::health::{Key, Severity};
use crate::sanitize;
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Table};
use crate::ui::text::{PENDING, Segment, fit_segments, judged};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

// USER before COMMAND, and COMMAND entering only with room for 16 characters: columns
// enter in priority order, so USER, once shown at 80 columns, stays at every width above.
const COLUMNS: [Column; 9] = [
    Column::right("PID", 7, 0).answer(),
    Column::left("USER", 9, 1),
    Column::left("S", 1, 3),
    Column::right("CPU%", 5, 0).answer(),
    Column::right("MEM", 5, 0).answer(),
    Column::right("THR", 4, 5).answer(),
    Column::left("NAME", 8, 0).wanting_whole(15),
    // The service, container or pod: only where the screen is wide.
    Column::left("UNIT", 18, 6),
    Column::left("COMMAND", 16, 2).growing(),
];

const REPEATED_COLUMNS: [Column; 2] =
    [Column::left("BINARY", 8, 0).wanting_whole(15).growing(), Column::right("COUNT", 5, 0).answer()];

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let theme = screen.theme;
    let focused = view.focus == Focus::Processes;
    let Some(processes) = &screen.snapshot.processes else {
        let title = title(None, None, area.width, screen, view);
        let table = Table { title, columns: &COLUMNS, len: 0, empty: "scanning…", focused, judged: true };
        let no_rows = |_| Row::new(Severity::Ok, Vec::new());
        view.process_header = table.render(area, buf, theme, view.scroll(Focus::Processes), no_rows);
        return;
    };
    let zombie = screen.findings.severity(&Key::Zombies);
    let empty = if view.filter.text.is_empty() { "none" } else { "no process matches" };
    let matches = view.process_order(processes).len();
    let title = title(Some(processes), Some(matches), area.width, screen, view);
    let (order, scroll) = view.process_table(processes);
    let table = Table { title, columns: &COLUMNS, len: order.len(), empty, focused, judged: true };
    let header = table.render(area, buf, theme, scroll, |i| row(&processes.list[order[i] as usize], zombie, screen));
    view.process_header = header;
}

/// Room left on the rule for the scroll position (` 1-20/1234 `).
const SCROLL_ROOM: u16 = 14;

/// `matches`: how many processes the filter lets through.
fn title<'a>(
    processes: Option<&Processes>,
    matches: Option<usize>,
    width: u16,
    screen: &Screen,
    view: &View,
) -> Line<'a> {
    let theme = screen.theme;
    let filtering = view.filter.editing || !view.filter.text.is_empty();
    // Filtering: the total moves into the filter's `250 of 253`.
    let name = match processes {
        Some(p) if !filtering => format!(" Processes {}", p.total),
        _ => " Processes".to_string(),
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
    // Distinct priorities (equal ones dropped the label first): the label and the filter
    // stay longest, then the scan age and the sort; what the problem line or a glance at
    // the rows also tells goes first.
    let mut segments = vec![Segment::new(0, vec![Span::raw(name)]), Segment::new(1, age)];
    if let Some(p) = processes {
        segments.push(Segment::new(5, vec![Span::raw(format!("{} running", p.running))]));
        if p.blocked > 0 {
            let severity = screen.findings.severity(&Key::Blocked);
            let priority = if severity == Severity::Ok { 4 } else { 1 };
            segments.push(Segment::new(priority, judged(format!("{} blocked", p.blocked), severity, theme)));
        }
        if p.zombie > 0 {
            let severity = screen.findings.severity(&Key::Zombies);
            segments.push(Segment::new(3, judged(format!("{} zombie", p.zombie), severity, theme)));
        }
    }
    segments.push(Segment::new(2, vec![Span::raw(view.sort.label())]));
    if filtering {
        let cursor = if view.filter.editing { "_" } else { "" };
        // `sanitize`: the filter is typed, but may be pasted.
        let mut filter = format!("/{}{cursor}", sanitize::display(&view.filter.text));
        if let (Some(matches), Some(p)) = (matches, processes) {
            filter.push_str(&format!(": {matches} of {}", p.total));
        }
        segments.push(Segment::new(0, vec![Span::raw(filter)]));
    }
    let mut line = fit_segments(segments, width.saturating_sub(SCROLL_ROOM) as usize, theme);
    line.spans.push(Span::raw(" "));
    line
}

fn row<'a>(p: &'a ProcessRow, zombie: Severity, screen: &Screen) -> Row<'a> {
    let severity = if p.state == 'Z' { zombie } else { Severity::Ok };
    let dim = screen.theme.dim();
    let text = |s: &'a str| Span::raw(sanitize::display(s));
    Row::new(
        severity,
        vec![
            Span::raw(p.pid.to_string()),
            text(&p.user),
            Span::styled(p.state.to_string(), screen.theme.severity(severity)),
            Span::raw(p.cpu_percent.map_or(PENDING.to_string(), |c| format!("{c:.1}"))),
            Span::raw(format::bytes_short(p.rss_bytes)),
            Span::raw(p.threads.to_string()),
            text(&p.name),
            Span::styled(
                screen
                    .snapshot
                    .cgroups
                    .of_process(p.pid)
                    .map_or(String::new(), |c| sanitize::display(&c.name).into_owned()),
                dim,
            ),
            if p.kernel_thread { Span::styled("[kernel thread]", dim) } else { text(&p.cmdline) },
        ],
    )
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
        let name = Span::styled(sanitize::display(&r.name), style);
        Row::new(severity, vec![name, Span::styled(r.count.to_string(), style)])
    });
}
