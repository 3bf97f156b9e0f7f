//! The connections line under the listening ports: TCP sockets by state, as `ss -s`
//! totals them, then the remote addresses with most connections, as many as the width
//! holds (a flood often comes from a few). Where counting is so costly that counts are
//! spaced out, it says how often they are taken.

use crate::collect::ports::connections::Connections;
use crate::format;
use crate::ui::screen::Screen;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// The states shown, in this order, with their short names; a state with no socket is
/// left out (but established, always shown).
const STATES: [(&str, &str); 8] = [
    ("established", "estab"),
    ("syn_recv", "syn-recv"),
    ("syn_sent", "syn-sent"),
    ("time_wait", "tw"),
    ("close_wait", "close-wait"),
    ("fin_wait1", "fin-wait-1"),
    ("fin_wait2", "fin-wait-2"),
    ("last_ack", "last-ack"),
];

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen) {
    let connections = &screen.snapshot.network.connections;
    if connections.states.is_empty() || area.height == 0 {
        return;
    }
    let theme = screen.theme;
    let mut spans = vec![Span::styled("TCP ", theme.label())];
    let text = line_text(connections, area.width as usize);
    spans.push(Span::raw(text));
    Line::from(spans).render(area, buf);
}

/// `412 estab 12 syn-recv 3 tw · from 198.51.100.7 300, 10.0.0.2 12`, cut to `width`
/// (less the `TCP ` label) at a whole item.
pub fn line_text(c: &Connections, width: usize) -> String {
    let room = width.saturating_sub(4);
    let mut text = String::new();
    let push = |text: &mut String, item: String| {
        if text.chars().count() + item.chars().count() <= room {
            text.push_str(&item);
            true
        } else {
            false
        }
    };
    for (i, (state, short)) in STATES.iter().enumerate() {
        let n = c.states.get(state).copied().unwrap_or(0);
        if n > 0 || i == 0 {
            let gap = if text.is_empty() { "" } else { " " };
            push(&mut text, format!("{gap}{} {short}", format::count(n)));
        }
        // Counts spaced out to bound their cost (collect::ports) say so, first thing.
        if i == 0 && c.counted_every_s >= 1.0 {
            push(&mut text, format!(" (every {:.0}s)", c.counted_every_s));
        }
    }
    let approx = if c.remotes_approximate { "≥" } else { "" };
    for (i, r) in c.top_remotes.iter().enumerate() {
        let lead = if i == 0 { " · from " } else { ", " };
        if !push(&mut text, format!("{lead}{} {approx}{}", r.address, format::count(r.connections))) {
            break;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::ports::connections::RemoteCount;

    #[test]
    fn states_then_remotes_as_the_width_allows() {
        let mut c = Connections::default();
        for (state, n) in [("established", 412), ("syn_recv", 12), ("time_wait", 3), ("listen", 2), ("close", 0)] {
            c.states.insert(state, n);
        }
        c.top_remotes = vec![
            RemoteCount { address: "198.51.100.7".parse().unwrap(), connections: 300 },
            RemoteCount { address: "10.0.0.2".parse().unwrap(), connections: 12 },
        ];
        assert_eq!(line_text(&c, 80), "412 estab 12 syn-recv 3 tw · from 198.51.100.7 300, 10.0.0.2 12");
        assert_eq!(line_text(&c, 30), "412 estab 12 syn-recv 3 tw");
        c.counted_every_s = 27.4;
        c.remotes_approximate = true;
        assert_eq!(line_text(&c, 30), "412 estab (every 27s) 3 tw");
        assert!(line_text(&c, 90).ends_with("from 198.51.100.7 ≥300, 10.0.0.2 ≥12"));
    }
}
