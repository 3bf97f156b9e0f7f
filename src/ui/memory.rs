//! Memory and swap: used (total − available, as `free` counts it), available, buffers
//! and cache, swap use, and the container's memory limit where there is one. One line
//! when space is short; a line each with a bar when there is room.

use crate::format;
use crate::health::{Key, Severity};
use crate::ui::screen::Screen;
use crate::ui::text::{PENDING, Segment, bar, fit_segments, judged};
use crate::ui::theme::{BarPart, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;

const BAR_WIDTH: usize = 20;

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, detailed: bool) {
    let theme = screen.theme;
    let width = area.width as usize;
    let memory = memory_segments(screen, detailed);
    let swap = swap_segments(screen, detailed);
    if detailed {
        for (row, segments) in area.rows().zip([memory, swap]) {
            buf.set_line(row.x, row.y, &fit_segments(segments, width, theme), row.width);
        }
    } else {
        let mut both = memory;
        both.extend(swap);
        buf.set_line(area.x, area.y, &fit_segments(both, width, theme), area.width);
    }
}

fn percent(used: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { used as f64 * 100.0 / total as f64 }
}

/// `Mem [|||||  ] 41% 3.20 GiB of 7.70 GiB`
fn usage<'a>(
    name: &'static str,
    used: u64,
    total: u64,
    severity: Severity,
    detailed: bool,
    theme: Theme,
) -> Vec<Span<'a>> {
    let share = percent(used, total);
    let mut spans = vec![Span::styled(name, theme.strong())];
    if detailed {
        spans.extend(bar(&[(share, BarPart::User)], BAR_WIDTH, theme));
        spans.push(Span::raw(" "));
    }
    spans.extend(judged(format::percent(share), severity, theme));
    spans.push(Span::raw(format!(" {} of {}", format::bytes(used), format::bytes(total))));
    spans
}

fn memory_segments<'a>(screen: &Screen, detailed: bool) -> Vec<Segment<'a>> {
    let theme = screen.theme;
    let label = |s: &'static str| Span::styled(s, theme.label());
    let Some(m) = screen.snapshot.memory else {
        return vec![Segment::new(0, vec![Span::styled("Mem  ", theme.strong()), Span::raw(PENDING)])];
    };
    let severity = screen.findings.severity(&Key::Memory);
    let mut segments = vec![
        Segment::new(0, usage("Mem  ", m.used_bytes, m.total_bytes, severity, detailed, theme)),
        Segment::new(1, vec![label("avail "), Span::raw(format::bytes(m.available_bytes))]),
        Segment::new(4, vec![label("cache "), Span::raw(format::bytes(m.cached_bytes))]),
    ];
    if detailed {
        segments.push(Segment::new(5, vec![label("buffers "), Span::raw(format::bytes(m.buffers_bytes))]));
        segments.push(Segment::new(6, vec![label("free "), Span::raw(format::bytes(m.free_bytes))]));
    }
    let limits = &screen.snapshot.limits;
    if let Some(max) = limits.memory_max_bytes {
        let mut spans = vec![label("container ")];
        if let Some(current) = limits.memory_current_bytes {
            spans.push(Span::raw(format!("{} of ", format::bytes(current))));
        }
        spans.push(Span::raw(format!("{} limit", format::bytes(max))));
        segments.push(Segment::new(2, spans));
    }
    segments
}

fn swap_segments<'a>(screen: &Screen, detailed: bool) -> Vec<Segment<'a>> {
    let theme = screen.theme;
    match screen.snapshot.swap {
        None => vec![Segment::new(3, vec![Span::styled("Swap ", theme.strong()), Span::raw(PENDING)])],
        Some(s) if s.total_bytes == 0 => {
            vec![Segment::new(3, vec![Span::styled("Swap ", theme.strong()), Span::styled("none", theme.dim())])]
        }
        Some(s) => {
            let severity = screen.findings.severity(&Key::Swap);
            vec![Segment::new(3, usage("Swap ", s.used_bytes, s.total_bytes, severity, detailed, theme))]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Line;

    #[test]
    fn percent_of_nothing_is_zero() {
        assert_eq!(percent(5, 0), 0.0);
        assert_eq!(percent(1, 4), 25.0);
    }

    #[test]
    fn a_line_is_built_even_without_colour() {
        let spans = usage("Mem  ", 1, 4, Severity::Error, false, Theme::MONO);
        let text: String = Line::from(spans).spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "Mem  !! 25% 1 B of 4 B");
    }
}
