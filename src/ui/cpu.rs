//! CPU: total busy % with user/system/iowait/steal and the load averages against the
//! logical CPUs; with room, the model and topology, pressure stalls, OOM kills and a
//! usage bar per core.

use crate::collect::cpu::CpuUsage;
use crate::format;
use crate::health::Key;
use crate::ui::layout::CORE_CELL_WIDTH;
use crate::ui::screen::Screen;
use crate::ui::text::{PENDING, Segment, bar, fit_segments, judged};
use crate::ui::theme::{BarPart, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, detailed: bool) {
    let theme = screen.theme;
    let mut rows = area.rows();
    if let Some(row) = rows.next() {
        buf.set_line(row.x, row.y, &summary(screen, row.width as usize), row.width);
    }
    if !detailed {
        return;
    }
    if let Some(row) = rows.next() {
        buf.set_line(row.x, row.y, &model(screen, row.width as usize), row.width);
    }
    let per_core = &screen.snapshot.cpu.per_core;
    let per_row = (area.width / CORE_CELL_WIDTH).max(1) as usize;
    let rows: Vec<Rect> = rows.collect();
    let room = rows.len() * per_row;
    let Some(first) = rows.first() else { return };
    if per_core.is_empty() {
        buf.set_string(first.x, first.y, format!("per core {PENDING}"), theme.dim());
        return;
    }
    // When the cores outnumber the cells, the last cell says how many are not shown.
    let shown = if per_core.len() > room { room.saturating_sub(1) } else { per_core.len() };
    for (i, usage) in per_core.iter().take(shown).enumerate() {
        let row = rows[i / per_row];
        let x = row.x + (i % per_row) as u16 * CORE_CELL_WIDTH;
        buf.set_line(x, row.y, &core_cell(i, usage, theme), CORE_CELL_WIDTH - 1);
    }
    if shown < per_core.len() {
        let row = rows[shown / per_row];
        let x = row.x + (shown % per_row) as u16 * CORE_CELL_WIDTH;
        buf.set_string(x, row.y, format!("  +{} more cores", per_core.len() - shown), theme.dim());
    }
}

/// `  3 [||||||    ]  37%`
fn core_cell(index: usize, usage: &CpuUsage, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{index:>3} "), theme.label())];
    let other = usage.busy() - usage.user - usage.system;
    // The cell less its index (4), brackets (2), percentage (5) and the gap to the next (1).
    let inner = CORE_CELL_WIDTH as usize - 12;
    spans.extend(bar(
        &[(usage.user, BarPart::User), (usage.system, BarPart::System), (other, BarPart::Other)],
        inner,
        theme,
    ));
    spans.push(Span::raw(format!("{:>5}", format::percent(usage.busy()))));
    Line::from(spans)
}

fn summary<'a>(screen: &Screen, width: usize) -> Line<'a> {
    let theme = screen.theme;
    let findings = screen.findings;
    let cpu = &screen.snapshot.cpu;
    let label = |s: &'static str| Span::styled(s, theme.label());
    let mut segments = Vec::new();
    match &cpu.total {
        Some(t) => {
            // Each figure at a fixed width, so a change from 0% to 0.5% rewrites those
            // characters and not the rest of the line: what crosses ssh every second.
            let fixed = |p: f64| format!("{:>4}", format::percent(p));
            let mut busy = vec![Span::styled("CPU ", theme.strong())];
            busy.extend(judged(format!("{} busy", fixed(t.busy())), findings.severity(&Key::CpuBusy), theme));
            segments.push(Segment::new(0, busy));
            let mut split = vec![label("us "), Span::raw(fixed(t.user)), label(" sy ")];
            split.push(Span::raw(fixed(t.system)));
            split.push(label(" io "));
            split.extend(judged(fixed(t.iowait), findings.severity(&Key::IoWait), theme));
            split.push(label(" st "));
            split.extend(judged(fixed(t.steal), findings.severity(&Key::Steal), theme));
            segments.push(Segment::new(2, split));
        }
        None => segments.push(Segment::new(0, vec![Span::styled("CPU ", theme.strong()), Span::raw(PENDING)])),
    }
    let cpus = cpu.model.logical_cpus;
    match &cpu.load {
        Some(l) => {
            let mut load = vec![label("load ")];
            let text = format!("{:.2} {:.2} {:.2}", l.one, l.five, l.fifteen);
            load.extend(judged(text, findings.severity(&Key::Load), theme));
            load.push(Span::raw(format!(" / {cpus} CPU{}", if cpus == 1 { "" } else { "s" })));
            segments.push(Segment::new(1, load));
        }
        None => segments.push(Segment::new(1, vec![label("load "), Span::raw("?")])),
    }
    if let Some(quota) = screen.snapshot.limits.cpu_quota_cpus {
        segments.push(Segment::new(3, vec![label("quota "), Span::raw(format!("{quota:.1} CPUs"))]));
    }
    if let Some(mhz) = cpu.model.mhz {
        segments.push(Segment::new(5, vec![Span::raw(format!("{:.2} GHz", mhz / 1000.0))]));
    }
    fit_segments(segments, width, theme)
}

fn model<'a>(screen: &Screen, width: usize) -> Line<'a> {
    let theme = screen.theme;
    let findings = screen.findings;
    let m = &screen.snapshot.cpu.model;
    let label = |s: &'static str| Span::styled(s, theme.label());
    let mut segments = vec![Segment::new(0, vec![Span::raw(m.model.clone().unwrap_or_else(|| "unknown CPU".into()))])];
    let mut topology = Vec::new();
    if let Some(s) = m.sockets {
        topology.push(format!("{s} socket{}", if s == 1 { "" } else { "s" }));
    }
    if let Some(c) = m.physical_cores {
        topology.push(format!("{c} cores"));
    }
    topology.push(format!("{} threads", m.logical_cpus));
    segments.push(Segment::new(1, vec![Span::raw(topology.join(" "))]));

    let p = &screen.snapshot.pressure;
    if p.cpu_some.is_some() || p.memory_some.is_some() || p.io_some.is_some() {
        let show = |v: Option<f64>| v.map_or("?".to_string(), format::percent);
        let text = format!("cpu {} mem {} io {}", show(p.cpu_some), show(p.memory_some), show(p.io_some));
        let mut spans = vec![label("stalled ")];
        spans.extend(judged(text, findings.severity(&Key::Pressure), theme));
        segments.push(Segment::new(2, spans));
    }
    if let Some(kills) = screen.snapshot.oom_kills.since_boot {
        let mut spans = vec![label("OOM kills ")];
        let text = match screen.snapshot.oom_kills.while_watching {
            Some(recent) if recent > 0 => format!("{kills} ({recent} while watching)"),
            _ => kills.to_string(),
        };
        spans.extend(judged(text, findings.severity(&Key::OomKills), theme));
        segments.push(Segment::new(3, spans));
    }
    fit_segments(segments, width, theme)
}
