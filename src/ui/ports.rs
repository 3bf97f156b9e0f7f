//! Listening ports: TCP listeners and bound UDP sockets with their address, their load
//! (established and half-open connections, the accept queue against its limit) and,
//! where the kernel lets us see it, the owning process (and how many sockets share the
//! port, for an SO_REUSEPORT pool); in the collector's order, busiest first. The last
//! row is the connections line (see [`super::connections`]) where there is room.

use crate::collect::ports::{ListeningSocket, Protocol};
use crate::format;
use crate::health::Severity;
use crate::sanitize;
use crate::ui::connections;
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Table};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::net::IpAddr;

const COLUMNS: [Column; 6] = [
    Column::left("PROTO", 5, 0),
    // `[2001:db8:1234::abcd]:65535`; longer IPv6 addresses are rare on a listener.
    Column::left("ADDRESS", 13, 0).growing().up_to(28),
    // Established connections, half-open ones, and the accept queue over its limit.
    Column::right("ESTAB", 5, 2),
    Column::right("SYN-R", 5, 3),
    Column::right("QUEUE", 9, 2),
    Column::left("PROCESS", 10, 1).growing(),
];

/// Without any load to show (a fixture tree, `--root`): the same but the load columns.
const COLUMNS_WITHOUT_LOAD: [Column; 3] = [COLUMNS[0], COLUMNS[1], COLUMNS[5]];

/// The table keeps at least this many rows (title, header, a socket) before the
/// connections line takes the last one.
const ROWS_BEFORE_CONNECTIONS: u16 = 3;

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let mut area = area;
    if !screen.snapshot.network.connections.states.is_empty() && area.height > ROWS_BEFORE_CONNECTIONS {
        area.height -= 1;
        connections::draw(buf, Rect { y: area.bottom(), height: 1, ..area }, screen);
    }
    let sockets = &screen.snapshot.listening;
    let tcp = sockets.iter().filter(|s| matches!(s.protocol, Protocol::Tcp | Protocol::Tcp6)).count();
    let title = if area.width >= 40 {
        format!(" Listening ports: {tcp} tcp, {} udp ", sockets.len() - tcp)
    } else {
        format!(" Ports {} ", sockets.len())
    };
    let with_load = sockets.iter().any(|s| s.established.is_some() || s.accept_queue_limit.is_some());
    let table = Table {
        title: Line::from(title),
        columns: if with_load { &COLUMNS } else { &COLUMNS_WITHOUT_LOAD },
        len: sockets.len(),
        empty: "none seen yet",
        focused: view.focus == Focus::Ports,
        judged: false,
    };
    table.render(area, buf, screen.theme, view.scroll(Focus::Ports), |i| row(&sockets[i], with_load));
}

fn row(socket: &ListeningSocket, with_load: bool) -> Row<'_> {
    let protocol = socket.protocol.name();
    let address = match socket.address {
        IpAddr::V6(v6) => format!("[{v6}]:{}", socket.port),
        IpAddr::V4(v4) => format!("{v4}:{}", socket.port),
    };
    let mut process = match (&socket.process, socket.pid) {
        (Some(name), Some(pid)) => format!("{}/{pid}", sanitize::display(name)),
        (Some(name), None) => sanitize::display(name).into_owned(),
        (None, Some(pid)) => pid.to_string(),
        (None, None) => String::new(),
    };
    if socket.sockets > 1 {
        process.push_str(&format!(" ({})", socket.sockets));
    }
    let count = |n: Option<u32>| n.map_or(String::new(), |n| format::count(u64::from(n)));
    let queue = match (socket.accept_queue, socket.accept_queue_limit) {
        (Some(q), Some(limit)) => format!("{}/{}", format::count(u64::from(q)), format::count(u64::from(limit))),
        (q, _) => count(q),
    };
    let cells = if with_load {
        vec![
            Span::raw(protocol),
            Span::raw(address),
            Span::raw(count(socket.established)),
            Span::raw(count(socket.syn_recv)),
            Span::raw(queue),
            Span::raw(process),
        ]
    } else {
        vec![Span::raw(protocol), Span::raw(address), Span::raw(process)]
    };
    Row { severity: Severity::Ok, cells }
}
