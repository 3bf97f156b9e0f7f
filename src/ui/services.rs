//! Services and containers: the cgroups using the most CPU (services, scopes,
//! containers, pods; not the slices that add them up), each with its memory against
//! its limit, time throttled by its CPU quota, disk I/O and pids. The row cells are
//! shared with the cgroup tree (`cgroup_tree.rs`).

use crate::collect::cgroups::{Cgroup, CgroupKind};
use crate::format;
use crate::health::Key;
use crate::sanitize;
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Scroll, Table};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::borrow::Cow;

/// The columns of both the panel and the tree; the name first, the path last.
pub const COLUMNS: [Column; 10] = [
    Column::left("NAME", 16, 0).wanting(30).growing().up_to(48),
    Column::right("CPU%", 5, 0),
    Column::right("MEM", 5, 0),
    Column::right("LIM%", 4, 1),
    Column::right("THR%", 4, 2),
    Column::right("READ/s", 6, 3),
    Column::right("WRITE/s", 7, 3),
    Column::right("PIDS", 5, 4),
    Column::left("KIND", 9, 5),
    Column::left("IMAGE / PATH", 12, 6).growing().keeping_end(),
];

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, scroll: &mut Scroll) {
    if area.height == 0 {
        return;
    }
    let list = &screen.snapshot.cgroups.list;
    let shown = top_by_cpu(list);
    let count = |kind: CgroupKind| list.iter().filter(|c| c.kind == kind).count();
    let mut title = format!(" Services {}", count(CgroupKind::Service));
    for (n, what) in [(count(CgroupKind::Container), "container"), (count(CgroupKind::Pod), "pod")] {
        match n {
            0 => {}
            1 => title.push_str(&format!(" · 1 {what}")),
            n => title.push_str(&format!(" · {n} {what}s")),
        }
    }
    title.push_str(" · by CPU · S: all cgroups ");
    let table = Table {
        title: Line::from(title),
        columns: &COLUMNS,
        len: shown.len(),
        empty: if list.is_empty() { "no cgroups seen (yet)" } else { "none" },
        focused: false,
        judged: true,
    };
    table.render(area, buf, screen.theme, scroll, |i| {
        let c = &list[shown[i]];
        row(c, sanitize::display(&c.name), screen)
    });
}

/// Indices of the cgroups the panel lists, busiest first (then largest).
fn top_by_cpu(list: &[Cgroup]) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..list.len()).filter(|&i| list[i].kind != CgroupKind::Slice).collect();
    let cpu = |i: usize| list[i].cpu_percent.unwrap_or(0.0);
    shown.sort_by(|&a, &b| {
        cpu(b).total_cmp(&cpu(a)).then(list[b].memory_bytes.cmp(&list[a].memory_bytes)).then(a.cmp(&b))
    });
    shown
}

/// One cgroup's cells, `name` in the first (indented in the tree); judged values in
/// their severity's colour.
pub fn row<'a>(c: &'a Cgroup, name: Cow<'a, str>, screen: &Screen) -> Row<'a> {
    let theme = screen.theme;
    let severity = screen.findings.severity(&Key::Cgroup(c.path.clone()));
    let style = theme.severity(severity);
    let percent = |p: Option<f64>| p.map_or(String::new(), format::percent);
    let rate = |r: Option<f64>| r.map_or(String::new(), |r| format::bytes_short(r as u64));
    let limit = c.memory_limit_percent().map_or(String::new(), format::percent);
    let pids = c.pids.map_or(String::new(), |n| n.to_string());
    let detail = match &c.image {
        Some(image) => sanitize::display(image),
        None => sanitize::display(&c.path),
    };
    Row::new(
        severity,
        vec![
            Span::styled(name, style),
            Span::raw(c.cpu_percent.map_or(String::new(), |p| format!("{p:.1}"))),
            Span::raw(c.memory_bytes.map_or(String::new(), format::bytes_short)),
            Span::styled(limit, style),
            Span::styled(percent(c.throttled_percent), style),
            Span::raw(rate(c.io_read_bytes_per_s)),
            Span::raw(rate(c.io_write_bytes_per_s)),
            Span::raw(pids),
            Span::styled(c.kind.as_str(), theme.dim()),
            Span::styled(detail, theme.dim()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_lists_what_is_not_a_slice_busiest_first() {
        let c = |path: &str, kind, cpu| Cgroup { path: path.into(), kind, cpu_percent: Some(cpu), ..Cgroup::default() };
        let list = vec![
            c("/system.slice", CgroupKind::Slice, 90.0),
            c("/system.slice/a.service", CgroupKind::Service, 10.0),
            c("/system.slice/docker-x.scope", CgroupKind::Container, 80.0),
        ];
        assert_eq!(top_by_cpu(&list), [2, 1]);
    }
}
