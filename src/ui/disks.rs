//! Filesystems: every real mount with its use %, free space, size, inode use and free
//! inodes, type and device; a mount that does not answer, lost its device or fell back
//! to read-only says so in place of its numbers.

use crate::collect::disks::{Filesystem, Usage};
use crate::format;
use crate::health::Key;
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Table};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

const COLUMNS: [Column; 8] = [
    Column::left("MOUNT", 11, 0).growing().keeping_end(),
    Column::right("USE%", 4, 0),
    Column::right("FREE", 5, 0),
    Column::right("SIZE", 5, 3),
    Column::right("INO%", 4, 1),
    Column::right("IFREE", 6, 2),
    Column::left("TYPE", 6, 4),
    Column::left("DEVICE", 14, 5),
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
    let mount_severity = findings.severity(&Key::Mount(fs.mountpoint.clone()));
    let space = findings.severity(&Key::FsSpace(fs.mountpoint.clone()));
    let inodes = findings.severity(&Key::FsInodes(fs.mountpoint.clone()));

    let mut flags = String::new();
    if fs.device_missing {
        flags.push_str(" (device gone)");
    }
    if fs.remounted_read_only {
        flags.push_str(" (remounted ro)");
    } else if fs.read_only {
        flags.push_str(" (ro)");
    }
    let mount =
        if flags.is_empty() { Span::raw(fs.mountpoint.as_str()) } else { Span::raw(fs.mountpoint.clone() + &flags) };
    let mount = mount.style(theme.severity(mount_severity));

    let numbers: [Span; 5] = match &fs.usage {
        Usage::Measured(u) => [
            Span::styled(u.use_percent().map_or("-".into(), format::percent), theme.severity(space)),
            Span::raw(format::bytes_short(u.avail_bytes)),
            Span::raw(format::bytes_short(u.size_bytes)),
            Span::styled(u.inode_use_percent().map_or("-".into(), format::percent), theme.severity(inodes)),
            Span::raw(if u.inodes_total > 0 { format::count(u.inodes_free) } else { "-".into() }),
        ],
        Usage::NotResponding { waiting_secs } => [
            Span::styled("?", theme.severity(mount_severity)),
            Span::styled(format!("hung {}", format::duration(*waiting_secs)), theme.severity(mount_severity)),
            Span::raw("?"),
            Span::raw("?"),
            Span::raw("?"),
        ],
        Usage::Unavailable { reason } => {
            [Span::raw("?"), Span::styled(reason.as_str(), theme.dim()), Span::raw("?"), Span::raw("?"), Span::raw("?")]
        }
    };
    let [use_pct, free, size, iuse, ifree] = numbers;
    Row {
        severity: mount_severity.max(space).max(inodes),
        cells: vec![
            mount,
            use_pct,
            free,
            size,
            iuse,
            ifree,
            Span::raw(fs.fstype.as_str()),
            Span::raw(fs.device.as_str()),
        ],
    }
}
