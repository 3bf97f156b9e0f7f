//! The cgroup tree, in place of the process table (`S`): every cgroup under its parent,
//! indented, siblings sorted by CPU, memory or I/O (`P`, `M`, `I`), `←` / `→` showing a
//! level less or more, `/` filtering by name or path. The cells are the Services
//! panel's.

use crate::sanitize;
use crate::ui::cgroup_order;
use crate::ui::screen::Screen;
use crate::ui::services::{self, COLUMNS};
use crate::ui::table::Table;
use crate::ui::text::{Segment, fit_segments};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use std::borrow::Cow;

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let cgroups = &screen.snapshot.cgroups;
    let list = &cgroups.list;
    let state = &view.cgroups;
    let rows = cgroup_order::tree(list, state.sort, state.levels, &view.filter.text);
    let deepest = rows.iter().map(|r| r.depth).max().unwrap_or(0);

    let mut segments = vec![
        Segment::new(0, vec![Span::raw(format!(" Cgroups {}", list.len()))]),
        Segment::new(1, vec![Span::raw(state.sort.label())]),
        Segment::new(3, vec![Span::raw(format!("{} levels (← →)", deepest + 1))]),
        Segment::new(2, vec![Span::raw("Esc: processes")]),
    ];
    if cgroups.truncated {
        segments.push(Segment::new(1, vec![Span::raw("first 4096 read")]));
    }
    if view.filter.editing || !view.filter.text.is_empty() {
        let cursor = if view.filter.editing { "_" } else { "" };
        segments.push(Segment::new(0, vec![Span::raw(format!("/{}{cursor}", view.filter.text))]));
    }
    let mut title = fit_segments(segments, area.width.saturating_sub(14) as usize, screen.theme);
    title.spans.push(Span::raw(" "));
    let table = Table {
        title,
        columns: &COLUMNS,
        len: rows.len(),
        empty: if view.filter.text.is_empty() { "no cgroups seen (yet)" } else { "no cgroup matches" },
        focused: view.focus == Focus::Processes,
        judged: true,
    };
    let levels = state.levels;
    view.process_header = table.render(area, buf, screen.theme, &mut view.cgroups.scroll, |i| {
        let r = rows[i];
        let c = &list[r.index];
        let fold = match (r.has_children, r.depth < levels) {
            (false, _) => "  ",
            (true, true) => "▾ ",
            (true, false) => "▸ ",
        };
        let name = format!("{}{fold}{}", "  ".repeat(r.depth), sanitize::display(&c.name));
        services::row(c, Cow::Owned(name), screen)
    });
    view.cgroups_deepest = deepest;
}
