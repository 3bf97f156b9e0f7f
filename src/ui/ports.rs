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
use crate::ui::table::{Cell, Column, Row, Table};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::net::IpAddr;

const COLUMNS: [Column; 6] = [
    Column::left("PROTO", 5, 1),
    // The port is kept whole (`…:5433`); the address before it loses its middle. It
    // wants room for `127.0.0.1:5433` before the owner is cut, not for a long IPv6
    // address (`[2001:db8:1234::abcd]:65535`), which gives way in its middle.
    Column::left("ADDRESS", 9, 0).cut_in_middle().wanting_whole(16).growing().up_to(28),
    // Established connections, half-open ones, and the accept queue over its limit.
    Column::right("ESTAB", 5, 2).answer(),
    Column::right("SYN-R", 5, 3).answer(),
    Column::right("QUEUE", 9, 2).answer(),
    // The pid and the pool size are kept whole (`…/8123 (8)`); the name loses its end.
    Column::left("PROCESS", 8, 0).wanting_whole(40).growing(),
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
    let port = format!(":{}", socket.port);
    let address = match socket.address {
        IpAddr::V6(v6) => format!("[{v6}]{port}"),
        IpAddr::V4(v4) => format!("{v4}{port}"),
    };
    let mut owner = match socket.pid {
        Some(pid) => format!("/{pid}"),
        None => String::new(),
    };
    if socket.sockets > 1 {
        owner.push_str(&format!(" ({})", socket.sockets));
    }
    let name = socket.process.as_deref().map(sanitize::display).unwrap_or_default();
    // Without a name the pid needs no slash.
    let owner = if name.is_empty() { owner.trim_start_matches('/').trim_start().to_string() } else { owner };
    let keep = owner.chars().count();
    let address = Cell::keeping(Span::raw(address), port.len());
    let process = Cell::keeping(Span::raw(format!("{name}{owner}")), keep);
    let count = |n: Option<u32>| n.map_or(String::new(), |n| format::count(u64::from(n)));
    let queue = match (socket.accept_queue, socket.accept_queue_limit) {
        (Some(q), Some(limit)) => format!("{}/{}", format::count(u64::from(q)), format::count(u64::from(limit))),
        (q, _) => count(q),
    };
    let cells = if with_load {
        vec![
            Span::raw(protocol).into(),
            address,
            Span::raw(count(socket.established)).into(),
            Span::raw(count(socket.syn_recv)).into(),
            Span::raw(queue).into(),
            process,
        ]
    } else {
        vec![Span::raw(protocol).into(), address, process]
    };
    Row { severity: Severity::Ok, cells }
}
