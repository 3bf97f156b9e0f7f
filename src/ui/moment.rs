//! Which moment the screen shows, said on the header's second line where it cannot be
//! missed: in reverse video `PAST 03:12:07 · epoch … · 14m ago · . for live` while
//! looking back, the time being typed after `b`, or why a typed time was refused.

use crate::history::when;
use crate::ui::screen::Times;
use crate::ui::view::View;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

pub fn draw(buf: &mut Buffer, header: Rect, times: &Times, view: &View) {
    let Some(row) = header.rows().nth(1) else { return };
    // Reset colours too: the header's own spans are underneath.
    let banner = Style::reset().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    let text = if let Some(typed) = &view.jump {
        format!(" jump to (HH:MM, HH:MM:SS, epoch, -10m; Enter, Esc): {typed}▏")
    } else if let Some(why) = &view.jump_error {
        format!(" {why}")
    } else if times.in_past() {
        let at = times.shown_ms.div_euclid(1000);
        let offset = times.history.utc_offset_s();
        let ago = when::ago(times.newest_ms.div_euclid(1000), at);
        let day = when::local(at, offset, "%Y-%m-%d ");
        // The date only when it is not today's.
        let today = when::local(times.newest_ms.div_euclid(1000), offset, "%Y-%m-%d ");
        let day = if day == today { String::new() } else { day };
        let clock = when::local(at, offset, "%H:%M:%S");
        // In a replay `.` goes back to the replay's head, which is not live.
        let back = if view.replay.is_some() { ". to the replay" } else { ". for live" };
        format!(" PAST {day}{clock} · epoch {at} · {ago} · {back} · T/t step · b jump")
    } else if let Some(replay) = &view.replay {
        format!(" {replay}")
    } else {
        return;
    };
    let width = row.width as usize;
    let text = fit(&text, width);
    let padded: String = format!("{text:<width$}").chars().take(width).collect();
    buf.set_string(row.x, row.y, padded, banner);
}

/// The banner's ` · `-separated parts, dropping the last ones (the key hints) while it
/// is wider than `width`, so a narrow terminal shows whole parts rather than a hint cut
/// in the middle ("+/- spee").
fn fit(text: &str, width: usize) -> String {
    let mut parts: Vec<&str> = text.split(" · ").collect();
    while parts.len() > 1 && parts.join(" · ").chars().count() > width {
        parts.pop();
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn a_banner_too_wide_loses_its_last_whole_parts() {
        let replay = " REPLAY 2026-11-29 18:12:30 · epoch 1795975950 · paused · space plays · +/- speed · T/t step";
        assert_eq!(fit(replay, 200), replay);
        assert_eq!(fit(replay, 80), " REPLAY 2026-11-29 18:12:30 · epoch 1795975950 · paused · space plays");
        assert_eq!(fit(replay, 20), " REPLAY 2026-11-29 18:12:30", "the first part stays, cut by the caller");
    }
}
