//! Filesystems: every real mount with its use %, free space, size, inode use and free
//! inodes, type and device; a mount that does not answer, lost its device or fell back
//! to read-only says so in place of its numbers.

use crate::collect::disks::{Filesystem, Usage};
use crate::format;
use crate::health::Key;
use crate::sanitize;
use crate::ui::screen::Screen;
use crate::ui::table::{Cell, Column, Row, Table};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

const COLUMNS: [Column; 8] = [
    // The distinguishing end of a path stays (`…/data07`); the path wants room first.
    Column::left("MOUNT", 6, 0).keeping_end().wanting_whole(24).growing(),
    Column::right("USE%", 4, 0).answer(),
    // Also where a mount that does not answer says so: `hung 12s`, `denied`.
    Column::right("FREE", 5, 0).answer(),
    Column::right("SIZE", 5, 3).answer(),
    Column::right("INO%", 4, 1).answer(),
    Column::right("IFREE", 6, 2).answer(),
    Column::left("TYPE", 6, 4),
    Column::left("DEVICE", 14, 5).keeping_end(),
];

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let filesystems = &screen.snapshot.filesystems;
    let table = Table {
        title: Line::from(format!(" Filesystems {} ", filesystems.len())),
        columns: &COLUMNS,
        len: filesystems.len(),
        empty: "none measured yet",
        judged: true,
        focused: view.focus == Focus::Filesystems,
    };
    table.render(area, buf, screen.theme, view.scroll(Focus::Filesystems), |i| row(&filesystems[i], screen));
}

fn row<'a>(fs: &'a Filesystem, screen: &Screen) -> Row<'a> {
    let theme = screen.theme;
    let findings = screen.findings;
    let mount_severity = findings.severity(&Key::Mount(fs.mountpoint.to_string()));
    let space = findings.severity(&Key::FsSpace(fs.mountpoint.to_string()));
    let inodes = findings.severity(&Key::FsInodes(fs.mountpoint.to_string()));

    let mut flags = String::new();
    if fs.device_missing {
        flags.push_str(" (device gone)");
    }
    if fs.remounted_read_only {
        flags.push_str(" (remounted ro)");
    } else if fs.read_only {
        flags.push_str(" (ro)");
    }
    // The flags are part of the answer: the path gives way before them.
    let mount = Cell::keeping(
        Span::styled(sanitize::display(&fs.mountpoint).into_owned() + &flags, theme.severity(mount_severity)),
        flags.chars().count(),
    );

    let numbers: [Span; 5] = match &fs.usage {
        Usage::Measured(u) => [
            Span::styled(u.use_percent().map_or("-".into(), format::percent_df), theme.severity(space)),
            Span::raw(format::bytes_short(u.avail_bytes)),
            Span::raw(format::bytes_short(u.size_bytes)),
            Span::styled(u.inode_use_percent().map_or("-".into(), format::percent_df), theme.severity(inodes)),
            Span::raw(if u.inodes_total > 0 { format::count(u.inodes_free) } else { "-".into() }),
        ],
        Usage::NotResponding { waiting_secs } => [
            Span::styled("?", theme.severity(mount_severity)),
            Span::styled(format!("hung {}", format::duration(*waiting_secs)), theme.severity(mount_severity)),
            Span::raw("?"),
            Span::raw("?"),
            Span::raw("?"),
        ],
        Usage::Unavailable { reason } => [
            Span::raw("?"),
            Span::styled(short_reason(reason), theme.dim()),
            Span::raw("?"),
            Span::raw("?"),
            Span::raw("?"),
        ],
    };
    let [use_pct, free, size, iuse, ifree] = numbers;
    let plain = |s: &'a str| Cell::from(Span::raw(sanitize::display(s)));
    Row {
        severity: mount_severity.max(space).max(inodes),
        cells: vec![
            mount,
            use_pct.into(),
            free.into(),
            size.into(),
            iuse.into(),
            ifree.into(),
            plain(&fs.fstype),
            plain(&fs.device),
        ],
    }
}

/// Why a mount has no numbers, in the few characters of the FREE column (`--once` gives
/// the whole reason): `denied`, `stale`, else the reason's first word.
fn short_reason(reason: &str) -> String {
    match reason {
        "Permission denied" | "Operation not permitted" => "denied".into(),
        r if r.starts_with("Stale") => "stale".into(),
        r => sanitize::display(r.split_whitespace().next().unwrap_or("?")).to_lowercase(),
    }
}
