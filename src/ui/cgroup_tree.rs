//! The cgroup tree, in place of the process table (`S`): every cgroup under its parent,
//! indented, siblings sorted by CPU, memory or I/O (`P`, `M`, `I`); `↑` `↓` select a
//! cgroup, `←` / `→` fold and unfold the selected branch (as htop's tree and file
//! managers do), `*` every branch; `/` filters by name or path. The cells are the
//! Services panel's.

use crate::sanitize;
use crate::ui::cgroup_order::{self, DrawnRow};
use crate::ui::screen::Screen;
use crate::ui::services::{self, COLUMNS};
use crate::ui::table::Table;
use crate::ui::text::{Segment, fit_segments};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use std::borrow::Cow;

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let cgroups = &screen.snapshot.cgroups;
    let list = &cgroups.list;
    let state = &view.cgroups;
    let rows = cgroup_order::tree(list, state.sort, |path| state.is_folded(path), &view.filter.text);
    let folded = rows.iter().filter(|r| r.folded).count();

    let mut segments = vec![
        Segment::new(0, vec![Span::raw(format!(" Cgroups {}", list.len()))]),
        Segment::new(1, vec![Span::raw(state.sort.label())]),
        Segment::new(3, vec![Span::raw(format!("{folded} folded (← → *)"))]),
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

    // The keys move in what this frame draws.
    let state = &mut view.cgroups;
    state.drawn.clear();
    state.drawn.extend(rows.iter().map(|r| DrawnRow {
        path: list[r.index].path.clone(),
        depth: r.depth,
        has_children: r.has_children,
        folded: r.folded,
    }));
    let selected = state.selected_row();
    // Scrolled so that the selection is on screen (the page is the last frame's).
    let page = state.scroll.page;
    if selected < state.scroll.offset {
        state.scroll.offset = selected;
    } else if page > 0 && selected >= state.scroll.offset + page {
        state.scroll.offset = selected + 1 - page;
    }
    let focused = view.focus == Focus::Processes;
    let table = Table {
        title,
        columns: &COLUMNS,
        len: rows.len(),
        empty: if view.filter.text.is_empty() { "no cgroups seen (yet)" } else { "no cgroup matches" },
        focused,
        judged: true,
    };
    view.process_header = table.render(area, buf, screen.theme, &mut view.cgroups.scroll, |i| {
        let r = rows[i];
        let c = &list[r.index];
        let fold = match (r.has_children, r.folded) {
            (false, _) => "  ",
            (true, false) => "▾ ",
            (true, true) => "▸ ",
        };
        let name = format!("{}{fold}{}", "  ".repeat(r.depth), sanitize::display(&c.name));
        services::row(c, Cow::Owned(name), screen)
    });
    // The selected row, below the title and the header.
    let scroll = &view.cgroups.scroll;
    if focused && !rows.is_empty() && (scroll.offset..scroll.offset + scroll.page).contains(&selected) {
        let y = area.y + 2 + (selected - scroll.offset) as u16;
        buf.set_style(Rect { y, height: 1, ..area }, Style::new().add_modifier(Modifier::REVERSED));
    }
}
