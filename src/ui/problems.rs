//! The problem lines: everything judged wrong, worst first — as many as fit, then
//! `+N more`. One line lists several problems; taller terminals give each its own line.

use crate::sanitize;
use crate::ui::screen::Screen;
use crate::ui::text::{SEPARATOR, SEPARATOR_WIDTH, judged};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen) {
    let theme = screen.theme;
    let problems = &screen.findings.problems;
    if screen.snapshot.time.epoch == 0 {
        // Nothing measured yet: no verdict either.
        buf.set_string(area.x, area.y, "collecting…", theme.dim());
        return;
    }
    if problems.is_empty() {
        let line = Line::from(vec![Span::styled("ok", theme.good()), Span::raw("  no problems found")]);
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    let width = area.width as usize;
    let more = |shown: usize| format!("+{} more", problems.len() - shown);
    let lines = area.height as usize;
    let mut shown = 0;
    for row in 0..lines {
        let y = area.y + row as u16;
        let last_line = row + 1 == lines;
        let mut spans: Vec<Span> = Vec::new();
        let mut used = 0;
        while shown < problems.len() {
            let p = &problems[shown];
            // Messages name mounts, interfaces and processes: cleaned before measured.
            let piece = judged(sanitize::display(&p.message), p.severity, theme);
            let piece_width: usize = piece.iter().map(Span::width).sum();
            let sep = if spans.is_empty() { 0 } else { SEPARATOR_WIDTH };
            let after = problems.len() - shown - 1;
            // Keep room for "+N more" on the last line while others would follow.
            let reserve = if last_line && after > 0 { SEPARATOR_WIDTH + more(shown + 1).len() } else { 0 };
            let first_on_line = spans.is_empty();
            if !first_on_line && used + sep + piece_width + reserve > width {
                break;
            }
            if !first_on_line {
                spans.push(Span::styled(SEPARATOR, theme.dim()));
            }
            used += sep + piece_width;
            spans.extend(piece);
            shown += 1;
            // Several lines: one problem each, so the eye runs down a list.
            if lines > 1 && !last_line {
                break;
            }
        }
        if last_line && shown < problems.len() {
            let text = more(shown);
            let x = area.right().saturating_sub(text.len() as u16);
            buf.set_line(area.x, y, &Line::from(spans), area.width.saturating_sub(text.len() as u16 + 1));
            buf.set_string(x, y, &text, theme.strong());
        } else {
            buf.set_line(area.x, y, &Line::from(spans), area.width);
        }
    }
}
