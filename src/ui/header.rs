//! The header: who this machine is (hostname, distribution, kernel, architecture,
//! platform) and when it is (local time and zone, epoch time, uptime, boot time).

use crate::format;
use crate::health::{Key, Severity};
use crate::ui::screen::Screen;
use crate::ui::text::{Segment, fit_segments, judged};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;

const HELP_HINT: &str = "? help";

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen) {
    let theme = screen.theme;
    let host = &screen.snapshot.host;
    let unknown = || "?".to_string();

    let width = area.width as usize;
    // Under 100 columns: `Debian GNU/Linux 12` without its code name, and the kernel
    // release alone, so the platform still fits on an 80-column line.
    let narrow = width < 100;
    let d = &host.distro;
    let name_and_version =
        || d.name.as_ref().map(|n| format!("{n} {}", d.version.as_deref().unwrap_or("")).trim_end().to_string());
    let distro = if narrow {
        name_and_version().or(d.pretty_name.clone())
    } else {
        d.pretty_name.clone().or_else(name_and_version)
    };
    let kernel = if narrow {
        host.kernel_release.clone().unwrap_or_default()
    } else {
        [&host.kernel_name, &host.kernel_release, &host.arch]
            .iter()
            .filter_map(|p| p.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut identity = vec![
        Segment::new(0, vec![Span::styled(host.hostname.clone().unwrap_or_else(unknown), theme.strong())]),
        Segment::new(1, vec![Span::raw(distro.unwrap_or_else(|| "unknown distribution".into()))]),
        Segment::new(2, vec![Span::raw(kernel)]),
        Segment::new(1, vec![Span::raw(screen.snapshot.platform.describe())]),
    ];
    if let Some(version) = &host.kernel_version {
        identity.push(Segment::new(6, vec![Span::styled(version.clone(), theme.dim())]));
    }
    let hint_room = HELP_HINT.len() + 2;
    let line = fit_segments(identity, width.saturating_sub(hint_room), theme);
    buf.set_line(area.x, area.y, &line, area.width);
    if width >= hint_room + 20 {
        buf.set_string(area.right() - HELP_HINT.len() as u16, area.y, HELP_HINT, theme.dim());
    }

    let t = &screen.snapshot.time;
    let label = |s: &'static str| Span::styled(s, theme.label());
    let mut when = Vec::new();
    if t.epoch != 0 {
        when.push(Segment::new(0, vec![Span::raw(format!("{} {}", t.local, t.zone))]));
        let mut epoch = vec![label("epoch "), Span::raw(t.epoch.to_string())];
        // Whether the epoch can be trusted, beside it: said when it cannot.
        let clock = screen.findings.severity(&Key::Clock);
        if clock != Severity::Ok {
            epoch.push(Span::raw(" "));
            epoch.extend(judged("unsynced".to_string(), clock, theme));
        }
        when.push(Segment::new(1, epoch));
        if t.synchronized == Some(true) {
            when.push(Segment::new(5, vec![Span::styled("clock synced", theme.dim())]));
        }
    } else {
        when.push(Segment::new(0, vec![Span::styled("reading the clock…", theme.dim())]));
    }
    if let Some(up) = t.uptime_seconds {
        // A `--root` tree's uptime is as of its capture, not now: said so.
        let mut spans = vec![label(if screen.snapshot.from_root_tree { "tree up " } else { "up " })];
        spans.extend(judged(format::duration(up), screen.findings.severity(&Key::Uptime), theme));
        when.push(Segment::new(1, spans));
    }
    if let Some(boot) = &t.boot_local {
        // Narrow: `11-21 10:03` (month, day, minutes) keeps the boot time on an 80-column line.
        let boot = if width < 100 { boot.get(5..16).unwrap_or(boot) } else { boot };
        when.push(Segment::new(2, vec![label("boot "), Span::raw(boot.to_string())]));
    }
    if let Some(boot_epoch) = t.boot_epoch {
        when.push(Segment::new(4, vec![label("boot epoch "), Span::raw(boot_epoch.to_string())]));
    }
    if !t.utc_offset.is_empty() {
        let zone = match &t.zone_name {
            Some(name) => format!("UTC{} {name}", t.utc_offset),
            None => format!("UTC{}", t.utc_offset),
        };
        when.push(Segment::new(5, vec![Span::styled(zone, theme.dim())]));
    }
    let line = fit_segments(when, width, theme);
    buf.set_line(area.x, area.y + 1, &line, area.width);
}
