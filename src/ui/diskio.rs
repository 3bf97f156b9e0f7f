//! Disk I/O: one row per whole disk, md array and dm volume (by the name an admin knows
//! it by), with %util and read/write bytes per second; wider, the iostat columns
//! (r/s, w/s, r_await, w_await, aqu-sz) and the filesystems mounted from each disk.
//! The title names the process doing the most disk I/O, where the last scan saw one.

use crate::collect::diskio::DiskIo;
use crate::format;
use crate::health::Key;
use crate::sanitize::display;
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Table};
use crate::ui::text::PENDING;
use crate::ui::view::View;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

const COLUMNS: [Column; 10] = [
    Column::left("DEVICE", 7, 0).growing().up_to(16),
    Column::right("UTIL%", 5, 0).answer(),
    Column::right("READ/s", 6, 0).answer(),
    Column::right("WRIT/s", 6, 0).answer(),
    Column::right("R_AWAIT", 7, 1),
    Column::right("W_AWAIT", 7, 1),
    Column::right("AQU-SZ", 6, 1),
    Column::right("R/S", 6, 3),
    Column::right("W/S", 6, 3),
    Column::left("FILESYSTEMS", 11, 2).growing(),
];

/// Below this a process's I/O is not worth a title (a log line now and then).
const TOP_PROCESS_MIN_BYTES_PER_S: f32 = 1024.0;

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let disks = &screen.snapshot.disks;
    let title = title(disks.len(), top_process(screen), area);
    let table = Table {
        title: Line::from(title),
        columns: &COLUMNS,
        len: disks.len(),
        empty: "no disk with I/O",
        judged: true,
        focused: false,
    };
    table.render(area, buf, screen.theme, &mut view.disk_scroll, |i| row(&disks[i], screen));
}

/// ` Disk I/O 3 · top: postgres 45M/s w `, shorter (` Disk I/O 3 · postgres 45M/s w `)
/// or without the process where the rule has no room for it beside the scroll position.
fn title(disks: usize, top: Option<String>, area: Rect) -> String {
    let plain = format!(" Disk I/O {disks} ");
    let Some(top) = top else { return plain };
    // The rule's corners, and the scroll position (` 1-3/9 `) when the rows overflow.
    let scrolling = disks + 2 > area.height as usize;
    let room = (area.width as usize).saturating_sub(if scrolling { 12 } else { 2 });
    [format!(" Disk I/O {disks} · top: {top} "), format!(" Disk I/O {disks} · {top} ")]
        .into_iter()
        .find(|t| t.chars().count() <= room)
        .unwrap_or(plain)
}

/// `postgres 45M/s w`: the busiest process by read + write bytes/s, its rate and
/// whether it mostly reads or writes.
fn top_process(screen: &Screen) -> Option<String> {
    let processes = screen.snapshot.processes.as_ref()?;
    // A pass rather than a sort: this runs on every frame over the whole table.
    let (busiest, io) = processes
        .list
        .iter()
        .filter_map(|p| Some((p, p.io?)))
        .max_by(|(_, a), (_, b)| a.total().total_cmp(&b.total()))?;
    (io.total() >= TOP_PROCESS_MIN_BYTES_PER_S).then(|| {
        let mostly = if io.write_bytes_per_s >= io.read_bytes_per_s { "w" } else { "r" };
        format!("{} {}/s {mostly}", display(&busiest.name), format::bytes_short(io.total() as u64))
    })
}

fn row<'a>(disk: &'a DiskIo, screen: &Screen) -> Row<'a> {
    let severity = screen.findings.severity(&Key::Disk(disk.name.to_string()));
    let style = screen.theme.severity(severity);
    let numbers: [String; 8] = match &disk.rates {
        Some(r) => [
            format::percent(r.util_percent),
            format::bytes_short(r.read_bytes_per_s as u64),
            format::bytes_short(r.write_bytes_per_s as u64),
            format!("{:.1}", r.read_await_ms),
            format!("{:.1}", r.write_await_ms),
            format!("{:.2}", r.queue_size),
            format!("{:.0}", r.reads_per_s),
            format!("{:.0}", r.writes_per_s),
        ],
        None => std::array::from_fn(|_| PENDING.to_string()),
    };
    let [util, read, write, r_await, w_await, queue, reads, writes] = numbers;
    let mounts: Vec<_> =
        screen.snapshot.filesystems.iter().filter(|f| disk.holds(&f.device)).map(|f| display(&f.mountpoint)).collect();
    Row::new(
        severity,
        vec![
            Span::styled(display(disk.display_name()), style),
            Span::styled(util, style),
            Span::raw(read),
            Span::raw(write),
            Span::raw(r_await),
            Span::raw(w_await),
            Span::raw(queue),
            Span::raw(reads),
            Span::raw(writes),
            Span::raw(mounts.join(" ")),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busiest_process_is_named_where_the_rule_has_room() {
        let top = || Some("dd 98M/s w".to_string());
        let area = |width| Rect::new(0, 0, width, 6);
        assert_eq!(title(2, top(), area(60)), " Disk I/O 2 · top: dd 98M/s w ");
        assert_eq!(title(2, top(), area(31)), " Disk I/O 2 · dd 98M/s w ");
        assert_eq!(title(2, top(), area(20)), " Disk I/O 2 ");
        assert_eq!(title(2, None, area(60)), " Disk I/O 2 ");
        // Rows that overflow leave room for the scroll position.
        assert_eq!(title(9, top(), Rect::new(0, 0, 37, 6)), " Disk I/O 9 · dd 98M/s w ");
    }
}
