//! A one-row sparkline of the whole history window at the end of the CPU and memory
//! lines, where the screen has no graph band (80×24, and every size under 120×40) and
//! the line leaves room for one: `60m ▁▁▂▇█▃▁`, a character a column, each the highest
//! sample of its stretch of time, judged and coloured as the graphs' columns are (and
//! shaded past a threshold without colour). Nothing is aggregated where none is drawn.

use crate::health::Severity;
use crate::history::{Column, Metric};
use crate::ui::graph::{EIGHTHS, full_cell};
use crate::ui::graphs::spec;
use crate::ui::screen::{Screen, Times};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

/// Columns a sparkline needs to say anything; it takes at most the widest.
const MIN_COLUMNS: u16 = 8;
const MAX_COLUMNS: u16 = 60;
/// Blank cells kept between the line's text and the sparkline.
const GAP: u16 = 2;

/// Sparklines at the end of the first row of `cpu` and of `memory`.
pub fn draw(buf: &mut Buffer, cpu: Rect, memory: Rect, screen: &Screen, times: &Times) {
    for (area, metric) in [(cpu, Metric::Cpu), (memory, Metric::Memory)] {
        if area.height > 0 {
            draw_one(buf, Rect { height: 1, ..area }, &metric, screen, times);
        }
    }
}

fn draw_one(buf: &mut Buffer, row: Rect, metric: &Metric, screen: &Screen, times: &Times) {
    let text_end = (row.x..row.right()).rev().find(|&x| buf[(x, row.y)].symbol() != " ").map_or(row.x, |x| x + 1);
    let label = format!("{}m ", times.window_ms / 60_000);
    let label_width = label.len() as u16;
    let room = row.right().saturating_sub(text_end + GAP + label_width);
    if room < MIN_COLUMNS {
        return;
    }
    let width = room.min(MAX_COLUMNS);
    let mut columns: Vec<Column> = Vec::with_capacity(usize::from(width));
    let (from_ms, to_ms) =
        times.history.columns(metric, times.newest_ms, times.window_ms, usize::from(width), &mut columns);
    let spec = spec(metric, 0.0, screen, times);
    let theme = screen.theme;
    let x0 = row.right() - width;
    buf.set_string(x0 - label_width, row.y, &label, theme.dim());
    let cursor = times.in_past().then(|| {
        let span = (to_ms - from_ms).max(1);
        ((times.shown_ms - from_ms).clamp(0, span) * i64::from(width) / span).min(i64::from(width) - 1) as u16
    });
    for (i, column) in columns.iter().enumerate() {
        let x = x0 + i as u16;
        let value = f64::from(column.max);
        let eighths = if column.samples == 0 || value <= 0.0 || spec.scale <= 0.0 {
            0
        } else {
            ((value / spec.scale * 8.0).round() as usize).clamp(1, 8)
        };
        let severity = if column.samples == 0 { Severity::Ok } else { (spec.judge)(value) };
        let symbol = if eighths == 8 { full_cell(severity, theme) } else { EIGHTHS[eighths] };
        let mut style = if severity == Severity::Ok { spec.parts[0] } else { theme.severity(severity) };
        if cursor == Some(i as u16) {
            style = style.add_modifier(Modifier::REVERSED);
        }
        buf[(x, row.y)].set_char(symbol).set_style(style);
    }
}
