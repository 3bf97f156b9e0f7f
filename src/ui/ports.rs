//! Listening ports: TCP listeners and bound UDP sockets with their address and, where
//! the kernel lets us see it, the owning process (and how many sockets share the port,
//! for an SO_REUSEPORT pool); in the collector's order, by port.

use crate::collect::ports::{ListeningSocket, Protocol};
use crate::health::Severity;
use crate::sanitize;
use crate::ui::screen::Screen;
use crate::ui::table::{Cell, Column, Row, Table};
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::net::IpAddr;

const COLUMNS: [Column; 3] = [
    Column::left("PROTO", 5, 1),
    // The port is kept whole (`…:5433`); the address before it loses its middle.
    // `[2001:db8:1234::abcd]:65535`; longer IPv6 addresses are rare on a listener.
    // It wants room for `127.0.0.1:5433` before the owner is cut, not for a long IPv6
    // address, which gives way in its middle.
    Column::left("ADDRESS", 9, 0).cut_in_middle().wanting_whole(16).growing().up_to(28),
    // The pid and the pool size are kept whole (`…/8123 (8)`); the name loses its end.
    Column::left("PROCESS", 8, 0).wanting_whole(40).growing(),
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
    Row {
        severity: Severity::Ok,
        cells: vec![
            Span::raw(protocol).into(),
            Cell::keeping(Span::raw(address), port.len()),
            Cell::keeping(Span::raw(format!("{name}{owner}")), keep),
        ],
    }
}
