//! Building blocks shared by the panels: a line of ` · `-separated segments that drops
//! the least important ones to fit the width, a usage bar, and a value with its
//! severity (colour and marker).

use crate::health::Severity;
use crate::sanitize;
use crate::ui::theme::{BarPart, Theme};
use ratatui::text::{Line, Span};
use std::borrow::Cow;

/// A piece of a status line. Lower `priority` numbers are kept longest.
pub struct Segment<'a> {
    pub priority: u8,
    pub spans: Vec<Span<'a>>,
}

impl<'a> Segment<'a> {
    /// Every span is cleaned for the terminal here (the hostname, distribution, CPU
    /// model and platform are shown this way), before its width is counted.
    pub fn new(priority: u8, spans: Vec<Span<'a>>) -> Self {
        Self { priority, spans: spans.into_iter().map(clean).collect() }
    }

    fn width(&self) -> usize {
        self.spans.iter().map(Span::width).sum()
    }
}

/// `span` with what must not reach a terminal replaced (see [`sanitize`]); borrowed
/// text stays borrowed when it is clean.
pub fn clean(mut span: Span<'_>) -> Span<'_> {
    let replaced = match sanitize::display(&span.content) {
        Cow::Owned(safe) => Some(safe),
        Cow::Borrowed(_) => None,
    };
    if let Some(safe) = replaced {
        span.content = Cow::Owned(safe);
    }
    span
}

pub const SEPARATOR: &str = " · ";
/// Its width on screen (the middle dot is one column, two bytes).
pub const SEPARATOR_WIDTH: usize = 3;

/// Joins `segments` in their order with ` · `, leaving out the least important ones
/// until the line fits `width`.
pub fn fit_segments<'a>(mut segments: Vec<Segment<'a>>, width: usize, theme: Theme) -> Line<'a> {
    let total =
        |s: &[Segment]| s.iter().map(Segment::width).sum::<usize>() + SEPARATOR_WIDTH * s.len().saturating_sub(1);
    while segments.len() > 1 && total(&segments) > width {
        let drop = (0..segments.len()).rev().max_by_key(|&i| segments[i].priority).unwrap_or(0);
        segments.remove(drop);
    }
    let mut spans = Vec::new();
    for (i, segment) in segments.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(SEPARATOR, theme.dim()));
        }
        spans.extend(segment.spans);
    }
    Line::from(spans)
}

/// A value in its severity's style, preceded by the severity's marker (`!! 97%`).
pub fn judged<'a>(text: impl Into<Cow<'a, str>>, severity: Severity, theme: Theme) -> Vec<Span<'a>> {
    let style = theme.severity(severity);
    let marker = Theme::marker(severity);
    if marker.is_empty() {
        vec![Span::styled(text, style)]
    } else {
        vec![Span::styled(marker, style), Span::styled(" ", style), Span::styled(text, style)]
    }
}

/// `[|||||     ]`: each part as many `|` as its share of 100 %, `inner` cells wide.
pub fn bar(parts: &[(f64, BarPart)], inner: usize, theme: Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled("[", theme.dim())];
    let mut filled = 0usize;
    let mut sum = 0.0;
    for &(share, part) in parts {
        sum += share.clamp(0.0, 100.0);
        let upto = ((sum.min(100.0) / 100.0) * inner as f64).round() as usize;
        if upto > filled {
            spans.push(Span::styled("|".repeat(upto - filled), theme.bar(part)));
            filled = upto;
        }
    }
    spans.push(Span::raw(" ".repeat(inner - filled)));
    spans.push(Span::styled("]", theme.dim()));
    spans
}

/// What a value needing two samples shows until the second arrives.
pub const PENDING: &str = "…";

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn least_important_segments_go_first() {
        let segments = || {
            vec![
                Segment::new(0, vec![Span::raw("host")]),
                Segment::new(2, vec![Span::raw("kernel 6.1")]),
                Segment::new(1, vec![Span::raw("Debian 12")]),
            ]
        };
        assert_eq!(text(&fit_segments(segments(), 80, Theme::MONO)), "host · kernel 6.1 · Debian 12");
        assert_eq!(text(&fit_segments(segments(), 29, Theme::MONO)), "host · kernel 6.1 · Debian 12");
        assert_eq!(text(&fit_segments(segments(), 28, Theme::MONO)), "host · Debian 12");
        assert_eq!(text(&fit_segments(segments(), 2, Theme::MONO)), "host");
    }

    #[test]
    fn bars_fill_in_proportion() {
        let spans = bar(&[(50.0, BarPart::User), (25.0, BarPart::System)], 8, Theme::MONO);
        let s: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(s, "[||||||  ]");
        let over: String = bar(&[(150.0, BarPart::User)], 4, Theme::MONO).iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(over, "[||||]");
    }
}
