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
use crate::ui::text::{Segment, fit_segments};
use crate::ui::theme::Theme;
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
    let title = title(list, &shown, area.width.saturating_sub(2) as usize, screen.theme);
    let table = Table {
        title,
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

/// `Services 12: 5 services, 3 scopes, 2 containers, 1 pod, 1 other · by CPU · S: all
/// cgroups`: the count is of the rows listed (everything but slices), then their kinds;
/// what does not fit `width` is left out, the kinds before the count.
fn title<'a>(list: &[Cgroup], shown: &[usize], width: usize, theme: Theme) -> Line<'a> {
    let kinds = [CgroupKind::Service, CgroupKind::Scope, CgroupKind::Container, CgroupKind::Pod, CgroupKind::Other];
    let counted: Vec<String> = kinds
        .iter()
        .filter_map(|&kind| {
            let n = shown.iter().filter(|&&i| list[i].kind == kind).count();
            let plural = if n == 1 || kind == CgroupKind::Other { "" } else { "s" };
            (n > 0).then(|| format!("{n} {}{plural}", kind.as_str()))
        })
        .collect();
    let mut segments = vec![Segment::new(0, vec![Span::raw(format!(" Services {}", shown.len()))])];
    if !counted.is_empty() {
        segments.push(Segment::new(1, vec![Span::raw(counted.join(", "))]));
    }
    segments.push(Segment::new(3, vec![Span::raw("by CPU")]));
    segments.push(Segment::new(2, vec![Span::raw("S: all cgroups")]));
    let mut line = fit_segments(segments, width.saturating_sub(1), theme);
    line.spans.push(Span::raw(" "));
    line
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

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_title_counts_the_rows_listed_and_says_their_kinds() {
        let c = |kind| Cgroup { kind, ..Cgroup::default() };
        let mut list = vec![c(CgroupKind::Slice), c(CgroupKind::Other), c(CgroupKind::Other)];
        let theme = Theme::MONO;
        let shown = top_by_cpu(&list);
        assert_eq!(text(&title(&list, &shown, 120, theme)), " Services 2 · 2 other · by CPU · S: all cgroups ");
        list.extend([c(CgroupKind::Service), c(CgroupKind::Service), c(CgroupKind::Scope), c(CgroupKind::Pod)]);
        list.push(c(CgroupKind::Container));
        let shown = top_by_cpu(&list);
        assert_eq!(
            text(&title(&list, &shown, 120, theme)),
            " Services 7 · 2 services, 1 scope, 1 container, 1 pod, 2 other · by CPU · S: all cgroups "
        );
        // Narrow: the kinds and the count stay longest.
        assert_eq!(
            text(&title(&list, &shown, 70, theme)),
            " Services 7 · 2 services, 1 scope, 1 container, 1 pod, 2 other "
        );
        assert_eq!(text(&title(&list, &shown, 30, theme)), " Services 7 ");
        assert_eq!(text(&title(&[], &[], 120, theme)), " Services 0 · by CPU · S: all cgroups ");
    }
}
