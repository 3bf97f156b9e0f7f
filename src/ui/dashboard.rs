//! One frame of the dashboard: asks the layout where each panel goes at this size and
//! has every panel draw itself there (or the one-line "too small" notice), then the
//! history graphs (or, without room for them, sparklines), the timeline panel and the
//! moment shown where there is time to show, then the full-screen timeline or the help overlay on top when open.

use crate::collect::cgroups::CgroupKind;
use crate::ui::layout::{self, Counts, MIN_HEIGHT, MIN_WIDTH, Plan};
use crate::ui::screen::{Screen, Times};
use crate::ui::theme::Theme;
use crate::ui::view::View;
use crate::ui::{
    cgroup_tree, cpu, diskio, disks, graphs, header, help, memory, moment, network, ports, problems, processes,
    services, sparklines, timeline,
};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// A frame without history (no graphs, no timeline).
pub fn draw(frame: &mut Frame, screen: &Screen, view: &mut View) {
    draw_with(frame, screen, None, view);
}

/// A frame; with `times`, the graphs, the timeline and the moment shown too.
pub fn draw_with(frame: &mut Frame, screen: &Screen, times: Option<&Times>, view: &mut View) {
    draw_on(frame.buffer_mut(), screen, times, view);
}

/// A frame drawn over the whole of `buf`.
pub fn draw_on(buf: &mut Buffer, screen: &Screen, times: Option<&Times>, view: &mut View) {
    let area = buf.area;
    let s = screen.snapshot;
    let counts = Counts {
        problems: screen.findings.problems.len(),
        cores: s.cpu.per_core.len().max(s.cpu.model.logical_cpus),
        filesystems: s.filesystems.len(),
        disks: s.disks.len(),
        address_lines: network::address_lines(&s.interfaces),
        ports: s.listening.len(),
        // The rows of whichever table the processes' place shows.
        processes: if view.cgroups.open {
            s.cgroups.list.len()
        } else {
            s.processes.as_ref().map_or(0, |p| view.process_order(p).len())
        },
        repeated: s.processes.as_ref().map_or(0, |p| p.repeated.len()),
        services: s.cgroups.list.iter().filter(|c| c.kind != CgroupKind::Slice).count(),
    };
    match layout::plan(area, &counts) {
        Plan::TooSmall => {
            view.drawn = None;
            view.process_header = Default::default();
            too_small(buf, area, screen.theme);
        }
        Plan::Dashboard(a) => {
            view.drawn = Some(a);
            header::draw(buf, a.header, screen);
            problems::draw(buf, a.problems, screen);
            cpu::draw(buf, a.cpu, screen, a.detailed);
            memory::draw(buf, a.memory, screen, a.detailed);
            disks::draw(buf, a.filesystems, screen, view);
            diskio::draw(buf, a.disk_io, screen, view);
            network::draw(buf, a.network, screen, view);
            if view.cgroups.open {
                cgroup_tree::draw(buf, a.processes, screen, view);
            } else {
                processes::draw(buf, a.processes, screen, view);
            }
            services::draw(buf, a.services, screen, &mut view.services_scroll);
            processes::draw_repeated(buf, a.repeated, screen, view);
            ports::draw(buf, a.ports, screen, view);
            if let Some(times) = times {
                graphs::draw(buf, a.graphs, screen, times);
                if a.graphs.is_empty() {
                    sparklines::draw(buf, a.cpu, a.memory, screen, times);
                }
                timeline::draw_panel(buf, a.timeline, screen, times);
                moment::draw(buf, a.header, times, view);
                if view.timeline_open {
                    let below_header = Rect { y: a.header.bottom(), height: area.height - a.header.height, ..area };
                    timeline::draw_full(buf, below_header, screen, times, &mut view.timeline_offset);
                }
            }
            if view.help {
                help::draw(buf, area, screen.theme);
            }
        }
    }
}

fn too_small(buf: &mut Buffer, area: Rect, theme: Theme) {
    let (w, h) = (area.width, area.height);
    // The longest that fits; the shortest, cut, where none does.
    let sayings = [
        format!("ctop needs at least {MIN_WIDTH}×{MIN_HEIGHT}, this terminal is {w}×{h}"),
        format!("need {MIN_WIDTH}×{MIN_HEIGHT}, have {w}×{h}"),
        format!("need {MIN_WIDTH}×{MIN_HEIGHT}"),
    ];
    let fits = |s: &&String| s.chars().count() <= w as usize;
    let text = sayings.iter().find(fits).unwrap_or(&sayings[2]);
    let width = text.chars().count() as u16;
    let x = area.x + area.width.saturating_sub(width) / 2;
    let y = area.y + area.height / 2;
    buf.set_stringn(x, y, text, area.width as usize, theme.strong());
}
