//! One time graph, the widget every graph panel uses: a title line with the scale's
//! maximum at its right, a chart of one column per screen column (block characters in
//! eighths, bottom up; stacked parts in their colours, or the whole column yellow/red
//! when its highest sample is past a threshold), guide lines at the warning (`┈`) and
//! error (`┅`) levels, a cursor at the moment shown when it is not the newest, and a
//! time axis: local time at both ends and `-15m`-style marks between. Without colour a
//! column past a threshold is shaded instead of solid (`▒` warning, bold `▓` error), so
//! the meaning never rests on colour alone.

use crate::health::Severity;
use crate::history::{Column, when};
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Eighths of a cell, from one to seven (eight is a full block).
pub(super) const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A full cell of a column judged `severity`: solid, or shaded where colour cannot say it.
pub(super) fn full_cell(severity: Severity, theme: Theme) -> char {
    match severity {
        Severity::Warning if !theme.color => '▒',
        Severity::Error if !theme.color => '▓',
        _ => '█',
    }
}

/// A guide line's character: lighter at the warning level than at the error level.
fn guide(severity: Severity) -> char {
    if severity == Severity::Error { '┅' } else { '┈' }
}
/// Axis marks every this many minutes, the first that leaves room between labels.
const MARK_MINUTES: [i64; 9] = [1, 2, 5, 10, 15, 30, 60, 120, 360];
/// Columns a mark label needs around it (`-15m` and a gap).
const MARK_ROOM: i64 = 9;

pub struct Graph<'a> {
    pub title: &'a str,
    /// What the values are now and at most (`37%`, `max 97%`), after the title; the
    /// last ones are left out where the width is short.
    pub summary: Vec<String>,
    /// One per column of the chart, oldest first.
    pub columns: &'a [Column],
    /// The value at the top of the chart, and how it reads (`100%`, `4.0`, `1.2 MB/s`).
    pub scale: f64,
    pub scale_label: String,
    /// The styles of a column's stacked parts, bottom first.
    pub parts: [Style; 4],
    /// The severity of a column's highest sample.
    pub judge: &'a dyn Fn(f64) -> Severity,
    /// Guide lines: a value and the severity it begins.
    pub levels: &'a [(f64, Severity)],
    /// The time the chart covers (epoch ms) and the local zone's offset.
    pub from_ms: i64,
    pub to_ms: i64,
    pub utc_offset_s: i32,
    /// The moment shown, marked on the chart when it is in the past.
    pub cursor_ms: Option<i64>,
}

impl Graph<'_> {
    pub fn draw(&self, buf: &mut Buffer, area: Rect, theme: Theme) {
        if area.height < 3 || area.width < 8 {
            return;
        }
        self.title_line(buf, area, theme);
        let chart = Rect { y: area.y + 1, height: area.height - 2, ..area };
        self.chart(buf, chart, theme);
        self.axis(buf, Rect { y: area.bottom() - 1, height: 1, ..area }, theme);
    }

    fn title_line(&self, buf: &mut Buffer, area: Rect, theme: Theme) {
        let scale = format!(" ▲{}", self.scale_label);
        let room = area.width.saturating_sub(scale.chars().count() as u16);
        let mut summary = self.summary.clone();
        let width = |s: &[String]| self.title.chars().count() + s.iter().map(|p| p.chars().count() + 3).sum::<usize>();
        while summary.len() > 1 && width(&summary) > room as usize {
            summary.pop();
        }
        let line =
            Line::from(vec![Span::styled(self.title, theme.strong()), Span::raw(" "), Span::raw(summary.join(" · "))]);
        buf.set_line(area.x, area.y, &line, room);
        buf.set_string(area.x + room, area.y, scale, theme.dim());
    }

    fn chart(&self, buf: &mut Buffer, area: Rect, theme: Theme) {
        let rows = area.height as usize;
        let cursor = self.cursor_ms.and_then(|c| self.column_of(c, area.width));
        for (x, column) in self.columns.iter().take(area.width as usize).enumerate() {
            let cell_x = area.x + x as u16;
            let filled = if column.samples == 0 { 0 } else { self.eighths(f64::from(column.max), rows) };
            let severity = if column.samples == 0 { Severity::Ok } else { (self.judge)(f64::from(column.max)) };
            for row in 0..rows {
                let y = area.bottom() - 1 - row as u16;
                let here = filled.saturating_sub(row * 8).min(8);
                let (symbol, mut style) = if here > 0 {
                    let style = if severity == Severity::Ok {
                        self.part_style(column, (row * 8 + here / 2) as f64 / (rows * 8) as f64 * self.scale)
                    } else {
                        theme.severity(severity)
                    };
                    (if here == 8 { full_cell(severity, theme) } else { EIGHTHS[here] }, style)
                } else if let Some(level) = self.level_on(row, rows) {
                    (guide(level), theme.severity(level).add_modifier(Modifier::DIM))
                } else {
                    (' ', Style::new())
                };
                let mut symbol = symbol;
                if cursor == Some(x) {
                    if here == 0 {
                        symbol = '│';
                    }
                    style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
                }
                buf[(cell_x, y)].set_char(symbol).set_style(style);
            }
        }
    }

    /// How many eighths of the chart's height `value` fills (a value above zero at
    /// least one, so a short blip still shows).
    fn eighths(&self, value: f64, rows: usize) -> usize {
        if value.is_nan() || value <= 0.0 || self.scale <= 0.0 {
            return 0;
        }
        let total = rows * 8;
        ((value / self.scale * total as f64).round() as usize).clamp(1, total)
    }

    /// The style of the part whose stretch of the stack holds `value`.
    fn part_style(&self, column: &Column, value: f64) -> Style {
        let mut upto = 0.0;
        for (i, part) in column.parts.iter().enumerate() {
            upto += f64::from(*part);
            if value <= upto {
                return self.parts[i];
            }
        }
        self.parts[0]
    }

    /// The severity of the guide line drawn on this row, if any.
    fn level_on(&self, row: usize, rows: usize) -> Option<Severity> {
        self.levels.iter().rev().find_map(|&(value, severity)| {
            let at = value / self.scale * rows as f64;
            (at < rows as f64 && at >= row as f64 && at < (row + 1) as f64).then_some(severity)
        })
    }

    fn column_of(&self, at_ms: i64, width: u16) -> Option<usize> {
        let span = self.to_ms - self.from_ms;
        if span <= 0 || at_ms < self.from_ms || at_ms > self.to_ms {
            return None;
        }
        Some((((at_ms - self.from_ms) as f64 / span as f64 * f64::from(width)) as usize).min(width as usize - 1))
    }

    fn axis(&self, buf: &mut Buffer, area: Rect, theme: Theme) {
        let style = theme.dim();
        let width = i64::from(area.width);
        let start = when::local(self.from_ms.div_euclid(1000), self.utc_offset_s, "%H:%M");
        let end = when::local(self.to_ms.div_euclid(1000), self.utc_offset_s, "%H:%M");
        buf.set_string(area.x, area.y, "─".repeat(area.width as usize), style);
        buf.set_string(area.x, area.y, &start, style);
        let end_x = area.right().saturating_sub(end.len() as u16);
        buf.set_string(end_x, area.y, &end, style);

        let minutes = (self.to_ms - self.from_ms) / 60_000;
        let Some(step) = MARK_MINUTES.iter().copied().find(|m| minutes / m * MARK_ROOM <= width) else { return };
        let mut free_from = start.len() as i64 + 1;
        let mut ago = step;
        let mut marks = Vec::new();
        while ago < minutes {
            let x = width - 1 - ago * (width - 1) / minutes.max(1);
            marks.push((x, if ago % 60 == 0 { format!("-{}h", ago / 60) } else { format!("-{ago}m") }));
            ago += step;
        }
        for (x, label) in marks.into_iter().rev() {
            let left = x - label.len() as i64 / 2;
            let right = left + label.len() as i64;
            if left >= free_from && right < i64::from(end_x - area.x) {
                buf.set_string(area.x + left as u16, area.y, &label, style);
                free_from = right + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(value: f32) -> Column {
        Column { samples: 1, min: value, max: value, mean: value, parts: [value, 0.0, 0.0, 0.0] }
    }

    /// Three columns (quiet, past the warning, past the error) on a 10-row chart.
    fn drawn(theme: Theme) -> Buffer {
        let columns = [column(10.0), column(75.0), column(95.0)];
        let judge = |v: f64| match v {
            v if v >= 90.0 => Severity::Error,
            v if v >= 70.0 => Severity::Warning,
            _ => Severity::Ok,
        };
        let graph = Graph {
            title: "CPU",
            summary: Vec::new(),
            columns: &columns,
            scale: 100.0,
            scale_label: "100%".into(),
            parts: [Style::new(); 4],
            judge: &judge,
            levels: &[(70.0, Severity::Warning), (90.0, Severity::Error)],
            from_ms: 0,
            to_ms: 3 * 60_000,
            utc_offset_s: 0,
            cursor_ms: None,
        };
        let area = Rect::new(0, 0, 8, 12);
        let mut buf = Buffer::empty(area);
        graph.draw(&mut buf, area, theme);
        buf
    }

    #[test]
    fn without_colour_thresholds_read_from_the_characters() {
        let buf = drawn(Theme::MONO);
        // Chart rows 1..=10, bottom row 10; row 10 - k is the k-th cell from the bottom.
        let cell = |x: u16, k: u16| &buf[(x, 10 - k)];
        assert_eq!(cell(0, 0).symbol(), "█", "a quiet column is solid");
        assert_eq!(cell(1, 0).symbol(), "▒", "past the warning: shaded");
        assert_eq!(cell(2, 0).symbol(), "▓", "past the error: shaded darker");
        assert!(cell(2, 0).modifier.contains(Modifier::BOLD) && !cell(1, 0).modifier.contains(Modifier::BOLD));
        assert_eq!((cell(0, 7).symbol(), cell(0, 9).symbol()), ("┈", "┅"), "the two guide lines differ");
        assert!((0..3).all(|x| (0..12).all(|y| buf[(x, y)].fg == ratatui::style::Color::Reset)), "no colour at all");
    }

    #[test]
    fn with_colour_columns_stay_solid_in_their_colour() {
        let buf = drawn(Theme::COLOR);
        let cell = |x: u16, k: u16| &buf[(x, 10 - k)];
        assert_eq!((cell(1, 0).symbol(), cell(1, 0).fg), ("█", ratatui::style::Color::Yellow));
        assert_eq!((cell(2, 0).symbol(), cell(2, 0).fg), ("█", ratatui::style::Color::Red));
        assert_eq!((cell(0, 7).symbol(), cell(0, 9).symbol()), ("┈", "┅"));
    }
}
