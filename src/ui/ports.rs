//! Listening ports: TCP listeners and bound UDP sockets with their address and, where
//! the kernel lets us see it, the owning process (and how many sockets share the port,
//! for an SO_REUSEPORT pool); in the collector's order, by port.

use crate::collect::ports::{ListeningSocket, Protocol};
use crate::health::Severity;
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Table};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::net::IpAddr;

const COLUMNS: [Column; 3] = [
    Column::left("PROTO", 5, 0),
    // `[2001:db8:1234::abcd]:65535`; longer IPv6 addresses are rare on a listener.
    Column::left("ADDRESS", 13, 0).growing().up_to(28),
    Column::left("PROCESS", 10, 1).growing(),
];

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let sockets = &screen.snapshot.listening;
    let tcp = sockets.iter().filter(|s| matches!(s.protocol, Protocol::Tcp | Protocol::Tcp6)).count();
    let title = if area.width >= 40 {
        format!(" Listening ports: {tcp} tcp, {} udp ", sockets.len() - tcp)
    } else {
        format!(" Ports {} ", sockets.len())
    };
    let table = Table {
        title: Line::from(title),
        columns: &COLUMNS,
        len: sockets.len(),
        empty: "none seen yet",
        focused: view.focus == Focus::Ports,
        judged: false,
    };
    table.render(area, buf, screen.theme, view.scroll(Focus::Ports), |i| row(&sockets[i]));
}

fn row(socket: &ListeningSocket) -> Row<'_> {
    let protocol = socket.protocol.name();
    let address = match socket.address {
        IpAddr::V6(v6) => format!("[{v6}]:{}", socket.port),
        IpAddr::V4(v4) => format!("{v4}:{}", socket.port),
    };
    let mut process = match (&socket.process, socket.pid) {
        (Some(name), Some(pid)) => format!("{name}/{pid}"),
        (Some(name), None) => name.clone(),
        (None, Some(pid)) => pid.to_string(),
        (None, None) => String::new(),
    };
    if socket.sockets > 1 {
        process.push_str(&format!(" ({})", socket.sockets));
    }
    Row { severity: Severity::Ok, cells: vec![Span::raw(protocol), Span::raw(address), Span::raw(process)] }
}
