//! The problem timeline: every event ctop saw, newest first — when it started (local
//! time), how long it lasted or that it goes on, its worst value, flaps — as a panel
//! beside the graphs where there is room, and full screen with `e`, where each event
//! also shows its epoch times, its first words and the top processes at its start.
//! Events after the moment shown (when looking back) are dimmed.

use crate::format;
use crate::health::timeline::{Event, TopProcess};
use crate::history::when;
use crate::sanitize::display;
use crate::ui::screen::{Screen, Times};
use crate::ui::text::judged;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

/// The panel beside the graphs: one line per event.
pub fn draw_panel(buf: &mut Buffer, area: Rect, screen: &Screen, times: &Times) {
    let theme = screen.theme;
    if area.height == 0 {
        return;
    }
    let count = times.timeline.len();
    let title = Line::from(vec![
        Span::styled(format!(" Timeline {count} "), theme.title(false)),
        Span::styled("(e) ", theme.dim()),
    ]);
    buf.set_string(area.x, area.y, "─".repeat(area.width as usize), theme.rule(false));
    buf.set_line(area.x, area.y, &title, area.width);
    let rows = area.rows().skip(1);
    let mut events = times.timeline.events().rev().peekable();
    if events.peek().is_none() {
        if let Some(row) = area.rows().nth(1) {
            buf.set_string(row.x, row.y, "nothing has gone wrong while watching", theme.dim());
        }
        return;
    }
    for (event, row) in events.zip(rows) {
        let line = summary_line(event, screen, times, false);
        buf.set_line(row.x, row.y, &line, row.width);
    }
}

/// `e`: the whole timeline over the screen, two lines an event, scrolled by `offset`
/// events (kept within range here).
pub fn draw_full(buf: &mut Buffer, area: Rect, screen: &Screen, times: &Times, offset: &mut usize) {
    let theme = screen.theme;
    Clear.render(area, buf);
    let count = times.timeline.len();
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(theme.rule(true))
        .title(Line::from(format!(" Problem timeline · {count} events, newest first ")).style(theme.title(true)))
        .title(Line::from(" Up/Down scroll · e or Esc closes ").style(theme.dim()).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    if count == 0 {
        buf.set_string(inner.x, inner.y, "Nothing has gone wrong since ctop started.", theme.dim());
        return;
    }
    let per_screen = (inner.height / 2).max(1) as usize;
    *offset = (*offset).min(count.saturating_sub(per_screen));
    let mut rows = inner.rows();
    for event in times.timeline.events().rev().skip(*offset) {
        let (Some(first), Some(second)) = (rows.next(), rows.next()) else { break };
        buf.set_line(first.x, first.y, &summary_line(event, screen, times, true), first.width);
        buf.set_line(second.x, second.y, &detail_line(event, screen), second.width);
    }
}

fn summary_line<'a>(event: &'a Event, screen: &Screen, times: &Times, full: bool) -> Line<'a> {
    let theme = screen.theme;
    let offset = times.history.utc_offset_s();
    let start = event.started_ms.div_euclid(1000);
    let clock = |epoch: i64| when::local(epoch, offset, "%H:%M:%S");
    let mut spans = vec![Span::styled(clock(start), theme.label()), Span::raw(" ")];
    if full {
        let end = match event.ended_ms {
            Some(end) if end != event.started_ms => format!("–{} ", clock(end.div_euclid(1000))),
            _ => " ".repeat(10),
        };
        spans.push(Span::styled(end, theme.label()));
    }
    spans.extend(judged(display(&event.worst_message).into_owned(), event.severity, theme));
    let lasted = format::duration(event.duration_ms(times.newest_ms) as f64 / 1000.0);
    let ended_at_once = event.ended_ms == Some(event.started_ms);
    if event.ongoing() {
        spans.push(Span::styled(format!(" · ongoing {lasted}"), theme.strong()));
    } else if !ended_at_once {
        spans.push(Span::styled(format!(" · {lasted}"), theme.dim()));
    }
    if event.flaps > 0 {
        spans.push(Span::styled(format!(" · flapped {}×", event.flaps), theme.dim()));
    }
    if full {
        let epochs = match event.ended_ms {
            Some(end) if end != event.started_ms => format!(" · epoch {start}–{}", end.div_euclid(1000)),
            _ => format!(" · epoch {start}"),
        };
        spans.push(Span::styled(epochs, theme.dim()));
    }
    let line = Line::from(spans);
    if event.started_ms > times.shown_ms { line.patch_style(theme.dim().add_modifier(Modifier::DIM)) } else { line }
}

fn detail_line<'a>(event: &'a Event, screen: &Screen) -> Line<'a> {
    let theme = screen.theme;
    let mut spans = vec![Span::raw("    ")];
    if event.first_message != event.worst_message {
        spans.push(Span::styled("began ", theme.label()));
        spans.push(Span::raw(display(&event.first_message).into_owned()));
        spans.push(Span::raw(" · "));
    }
    if event.top_cpu.is_empty() {
        spans.push(Span::styled("no process scan yet at its start", theme.dim()));
    } else {
        spans.push(Span::styled("top CPU ", theme.label()));
        spans
            .push(Span::raw(list(&event.top_cpu, |p| p.cpu_percent.map_or("?".into(), |c| format::percent(c.into())))));
        spans.push(Span::styled(" · top memory ", theme.label()));
        spans.push(Span::raw(list(&event.top_memory, |p| format::bytes(p.rss_bytes))));
    }
    Line::from(spans)
}

/// `stress 99% (4242), java 12% (812)`.
fn list(processes: &[TopProcess], figure: impl Fn(&TopProcess) -> String) -> String {
    let shown: Vec<String> =
        processes.iter().map(|p| format!("{} {} ({})", display(&p.name), figure(p), p.pid)).collect();
    shown.join(", ")
}
