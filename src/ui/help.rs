//! The help overlay: every key, in a box over the middle of the screen, and whether
//! ctop runs sandboxed.

use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

/// Every key and what it does; the README's key table says the same. With the blank
/// row above and the sandbox's two below, it fills the 22 rows inside the box at 80×24:
/// a new key joins a row of its kind rather than adding one.
pub const KEYS: [(&str, &str); 18] = [
    ("q  F10  Ctrl-C", "quit"),
    ("Esc", "close what is open; never quits"),
    ("?  F1", "this help"),
    ("P / M", "sort processes by CPU / memory"),
    ("<  >", "sort by the column left / right"),
    ("S", "cgroup tree in place of processes"),
    ("P / M / I  Left Right", "tree: sort CPU/mem/IO, fold branch (* all)"),
    ("Tab  Shift-Tab", "focus next / previous table"),
    ("Up  Down", "scroll the focused table"),
    ("PgUp PgDn Home End", "scroll a page, to the top / bottom"),
    ("r", "rescan processes now"),
    ("K", "show / hide kernel threads"),
    ("/", "filter by name (Enter keeps, Esc clears)"),
    ("T / t", "one sample back / forward in time"),
    ("b", "jump to a time (HH:MM, HH:MM:SS, epoch, -10m)"),
    (". / End", "back to live (End: while the past is shown)"),
    ("e", "problem timeline (e or Esc closes)"),
    ("mouse", "click: focus a table, sort by a title; wheel"),
];

/// What the sandbox line says: the kernel's word on this thread (see `crate::sandbox`).
fn sandbox_line() -> &'static str {
    if crate::sandbox::is_on() { "seccomp: no writing, no programs" } else { "off" }
}

pub fn draw(buf: &mut Buffer, screen: Rect, theme: Theme) {
    let sandbox = ("sandbox", sandbox_line());
    let rows = KEYS.iter().chain([&("", ""), &sandbox]);
    let key_width = KEYS.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let text_width = rows.clone().map(|(_, t)| t.len()).max().unwrap_or(0);
    let width = ((key_width + text_width + 6) as u16).min(screen.width);
    let height = (KEYS.len() as u16 + 6).min(screen.height);
    let area =
        Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width, height };
    Clear.render(area, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.rule(true))
        .title(Line::from(" ctop keys ").style(theme.title(true)))
        .title_bottom(Line::from(" Esc or ? closes ").style(theme.dim()).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    // The blank row above the keys goes first when the box is short.
    let margin = usize::from(inner.height as usize > KEYS.len() + 2);
    for ((key, text), row) in rows.zip(inner.rows().skip(margin)) {
        let line = Line::from(vec![
            Span::styled(format!(" {key:<key_width$}  "), theme.label().add_modifier(ratatui::style::Modifier::BOLD)),
            Span::raw(*text),
        ]);
        buf.set_line(row.x, row.y, &line, row.width);
    }
}
