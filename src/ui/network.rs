//! Network interfaces: state and speed (a missing cable spelled out), the main
//! address (or every address, one per line, when they all fit), live receive and
//! transmit rates with errors and drops a second beside them (where the width allows),
//! MTU, MAC and kind.

use crate::collect::net::{Address, Interface};
use crate::format;
use crate::health::Key;
use crate::sanitize;
use crate::ui::screen::Screen;
use crate::ui::table::{Column, Row, Table};
use crate::ui::text::PENDING;
use crate::ui::view::{Focus, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::net::IpAddr;

const COLUMNS: [Column; 11] = [
    Column::left("IFACE", 9, 0),
    // State and speed in one: `up 10G`, `no cable`, `down`.
    Column::left("LINK", 8, 0),
    Column::left("DUPLEX", 6, 6),
    // An IPv6 address with its prefix is at most 43 characters.
    Column::left("ADDRESS", 13, 0).wanting(26).growing().up_to(43),
    Column::right("RX b/s", 6, 0),
    Column::right("TX b/s", 6, 0),
    // Receive plus transmit, per second.
    Column::right("ERR/s", 5, 2),
    Column::right("DROP/s", 6, 2),
    Column::right("MTU", 5, 4),
    Column::left("MAC", 17, 5),
    Column::left("KIND", 8, 3),
];

/// Lines needed to show every address of every interface (one at least for each).
pub fn address_lines(interfaces: &[Interface]) -> usize {
    interfaces.iter().map(|i| i.addresses.len().max(1)).sum()
}

/// The address people mean by "its address": a global IPv4, else a global IPv6, else
/// whatever it has.
pub fn main_address(interface: &Interface) -> Option<&Address> {
    let global_v6 = |ip: &IpAddr| matches!(ip, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) != 0xfe80);
    interface
        .addresses
        .iter()
        .find(|a| a.ip.is_ipv4())
        .or_else(|| interface.addresses.iter().find(|a| global_v6(&a.ip)))
        .or(interface.addresses.first())
}

/// What one line of the table shows: an interface with one of its addresses (or none),
/// or a further address of the interface above.
enum NetLine {
    Interface(usize, Option<usize>),
    ExtraAddress(usize, usize),
}

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, view: &mut View) {
    let interfaces = &screen.snapshot.interfaces;
    let every_address = address_lines(interfaces) <= area.height.saturating_sub(2) as usize;
    let lines: Vec<NetLine> = if every_address {
        interfaces
            .iter()
            .enumerate()
            .flat_map(|(i, iface)| {
                let first = std::iter::once(NetLine::Interface(i, (!iface.addresses.is_empty()).then_some(0)));
                first.chain((1..iface.addresses.len()).map(move |a| NetLine::ExtraAddress(i, a)))
            })
            .collect()
    } else {
        interfaces
            .iter()
            .enumerate()
            .map(|(i, iface)| {
                let main = main_address(iface).and_then(|m| iface.addresses.iter().position(|a| a == m));
                NetLine::Interface(i, main)
            })
            .collect()
    };
    let table = Table {
        title: Line::from(format!(" Network {} ", interfaces.len())),
        columns: &COLUMNS,
        len: lines.len(),
        empty: "no interfaces read yet",
        judged: true,
        focused: view.focus == Focus::Network,
    };
    table.render(area, buf, screen.theme, view.scroll(Focus::Network), |n| match lines[n] {
        NetLine::Interface(i, address) => row(&interfaces[i], address, screen),
        NetLine::ExtraAddress(i, a) => {
            let mut cells = vec![Span::raw(""); COLUMNS.len()];
            cells[3] = Span::raw(interfaces[i].addresses[a].to_string());
            Row { severity: crate::health::Severity::Ok, cells }
        }
    });
}

fn link(interface: &Interface) -> String {
    match (interface.admin_up, interface.carrier, interface.speed_mbps) {
        (true, Some(false), _) => "no cable".into(),
        (false, _, _) => "down".into(),
        (true, _, Some(speed)) if interface.operstate == "up" => format!("up {}", format::link_speed_short(speed)),
        _ => interface.operstate.clone(),
    }
}

fn row<'a>(iface: &'a Interface, address: Option<usize>, screen: &Screen) -> Row<'a> {
    let theme = screen.theme;
    let severity = screen.findings.severity(&Key::Interface(iface.name.clone()));
    let style = theme.severity(severity);
    let rate = |f: fn(&crate::collect::net::NetRates) -> f64| {
        Span::raw(iface.rates.as_ref().map_or(PENDING.to_string(), |r| format::bit_rate_short(f(r))))
    };
    // Errors and drops are rare: blank when none, so one that is not stands out.
    let fault = |f: fn(&crate::collect::net::NetRates) -> f64| {
        let value = iface.rates.as_ref().map_or(0.0, f);
        Span::styled(if value > 0.0 { format::count(value.ceil() as u64) } else { String::new() }, style)
    };
    Row {
        severity,
        cells: vec![
            Span::styled(sanitize::display(&iface.name).into_owned(), style),
            Span::styled(link(iface), style),
            Span::raw(iface.duplex.as_deref().unwrap_or("")),
            Span::raw(address.map_or(String::new(), |a| iface.addresses[a].to_string())),
            rate(|r| r.rx_bytes_per_s),
            rate(|r| r.tx_bytes_per_s),
            fault(|r| r.rx_errors_per_s + r.tx_errors_per_s),
            fault(|r| r.rx_dropped_per_s + r.tx_dropped_per_s),
            Span::raw(iface.mtu.map_or(String::new(), |m| m.to_string())),
            Span::raw(iface.mac.as_deref().unwrap_or("")),
            Span::styled(iface.kind.as_str(), theme.dim()),
        ],
    }
}
