//! Rules for the network: TCP listen queues and SYN floods, retransmissions, sockets
//! against their kernel limits, UDP buffer errors, the conntrack table, the softnet
//! backlog, and each interface's errors and drops. A count that should be zero (drops,
//! cookies, buffer errors) is judged "more than 0 per second"; a limit by the share of
//! it in use (thresholds in [`Thresholds`]).

use super::{Finding, Key, Severity, Thresholds};
use crate::collect::net::Interface;
use crate::collect::network::{Network, Rate};
use crate::collect::ports::ListeningSocket;
use crate::format;
use crate::snapshot::Snapshot;

/// Retransmissions are judged only above this many segments sent a second: a
/// percentage of a handful of segments says nothing.
const RETRANSMIT_MIN_SEGMENTS_PER_S: f64 = 10.0;

pub(super) fn judge(s: &Snapshot, t: &Thresholds) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut add = |severity, key, subject: &str, message: String, excess: f64| {
        found.push(Finding { severity, key, subject: subject.to_string(), message, excess: excess.clamp(0.0, 1.0) });
    };
    tcp_queues(&mut add, &s.network, &s.listening, t);
    tcp_limits(&mut add, &s.network, t);
    udp_and_kernel(&mut add, &s.network, t);
    for iface in &s.interfaces {
        interface(&mut add, iface, t);
    }
    found
}

type Add<'a> = dyn FnMut(Severity, Key, &str, String, f64) + 'a;

fn rate_of(r: Option<Rate>) -> Rate {
    r.unwrap_or_default()
}

/// `:443`: how people name a service by its port.
fn port_label(l: &ListeningSocket) -> String {
    format!(":{}", l.port)
}

fn tcp_queues(add: &mut Add, n: &Network, listening: &[ListeningSocket], t: &Thresholds) {
    let drops = rate_of(n.tcp.listen_drops_per_s.or(n.tcp.listen_overflows_per_s));
    if drops.now > 0.0 {
        // The listener whose accept queue is fullest (against its limit) is the one
        // dropping; without limits, the longest queue.
        let fullest = listening.iter().filter(|l| l.accept_queue.is_some_and(|q| q > 0)).max_by(|a, b| {
            let fill = |l: &ListeningSocket| {
                l.accept_queue.unwrap_or(0) as f64 / l.accept_queue_limit.unwrap_or(1).max(1) as f64
            };
            fill(a).total_cmp(&fill(b))
        });
        let at = fullest.map_or(String::new(), |l| {
            let limit = l.accept_queue_limit.map_or(String::new(), |m| format!(" of {m}"));
            format!(" on {} (accept queue {}{limit})", port_label(l), l.accept_queue.unwrap_or(0))
        });
        let severity = if drops.sustained >= t.tcp_listen_drops_error { Severity::Error } else { Severity::Warning };
        let message = format!("listen queue overflowing{at}: {} connections/s dropped", per_s(drops.now));
        add(
            severity,
            Key::Network("listen_queue"),
            "tcp listen",
            message,
            drops.now / t.tcp_listen_drops_error.max(1.0),
        );
    }
    let full = rate_of(n.tcp.syn_queue_full_per_s).now.max(rate_of(n.tcp.syncookies_sent_per_s).now);
    if full > 0.0 {
        let busiest = listening.iter().filter(|l| l.syn_recv.is_some_and(|c| c > 0)).max_by_key(|l| l.syn_recv);
        let message = match busiest {
            Some(l) => format!(
                "SYN flood on {}? {} half-open",
                port_label(l),
                format::grouped(u64::from(l.syn_recv.unwrap_or(0)))
            ),
            None => format!("SYN queue full: {} SYNs/s dropped or answered with cookies", per_s(full)),
        };
        add(Severity::Warning, Key::Network("syn_queue"), "tcp syn", message, 1.0);
    }
    let sent = rate_of(n.tcp.segments_sent_per_s).now;
    if let Some(pct) = n.tcp.retransmit_percent.filter(|_| sent >= RETRANSMIT_MIN_SEGMENTS_PER_S) {
        percent(
            add,
            pct,
            t.tcp_retransmit_warning,
            t.tcp_retransmit_error,
            Key::Network("retransmits"),
            "tcp retransmits",
            || format!("TCP retransmitting {} of segments sent", format::percent(pct)),
        );
    }
}

fn tcp_limits(add: &mut Add, n: &Network, t: &Thresholds) {
    let tcp = &n.tcp;
    let share = |v: Option<u64>, limit: Option<u64>| Some(v? as f64 * 100.0 / limit.filter(|&l| l > 0)? as f64);
    if let Some(pct) = share(tcp.orphans, tcp.orphans_limit) {
        percent(
            add,
            pct,
            t.tcp_orphans_warning,
            t.tcp_orphans_error,
            Key::Network("tcp_orphans"),
            "tcp orphans",
            || {
                format!(
                    "{} orphaned TCP sockets, {} of tcp_max_orphans",
                    format::grouped(tcp.orphans.unwrap_or(0)),
                    format::percent(pct)
                )
            },
        );
    }
    if let Some(pct) = share(tcp.memory_pages, tcp.memory_limit_pages) {
        percent(add, pct, t.tcp_memory_warning, t.tcp_memory_error, Key::Network("tcp_memory"), "tcp memory", || {
            format!("TCP buffers at {} of tcp_mem's limit", format::percent(pct))
        });
    }
    if let Some(pct) = share(tcp.time_wait, tcp.time_wait_limit) {
        percent(add, pct, t.tcp_time_wait_warning, f64::INFINITY, Key::Network("time_wait"), "tcp time_wait", || {
            format!(
                "{} sockets in TIME_WAIT, {} of tcp_max_tw_buckets",
                format::grouped(tcp.time_wait.unwrap_or(0)),
                format::percent(pct)
            )
        });
    }
}

fn udp_and_kernel(add: &mut Add, n: &Network, t: &Thresholds) {
    let rcv = rate_of(n.udp.rcvbuf_errors_per_s).now;
    let snd = rate_of(n.udp.sndbuf_errors_per_s).now;
    if rcv + snd > 0.0 {
        let message = format!("UDP buffers overflowing: {} receive, {} send errors/s", per_s(rcv), per_s(snd));
        add(Severity::Warning, Key::Network("udp_buffers"), "udp", message, 0.5);
    }
    if let Some(c) = &n.conntrack {
        let drops = rate_of(c.drops_per_s).now;
        if drops > 0.0 {
            let message = format!("conntrack table full: new connections dropped ({}/s)", per_s(drops));
            add(Severity::Error, Key::Network("conntrack"), "conntrack", message, 1.0);
        } else if let Some(pct) = c.use_percent() {
            percent(add, pct, t.conntrack_warning, t.conntrack_error, Key::Network("conntrack"), "conntrack", || {
                format!(
                    "conntrack table {} full ({} of {})",
                    format::percent(pct),
                    format::count(c.count),
                    format::count(c.max.unwrap_or(0))
                )
            });
        }
    }
    if let Some(s) = &n.softnet {
        let dropped = rate_of(s.dropped_per_s).now;
        if dropped > 0.0 {
            let message =
                format!("softnet backlog full: {} packets/s dropped (net.core.netdev_max_backlog)", per_s(dropped));
            add(Severity::Warning, Key::Network("softnet"), "softnet", message, 0.5);
        }
    }
}

fn interface(add: &mut Add, iface: &Interface, t: &Thresholds) {
    let Some(r) = &iface.rates else { return };
    let name = iface.name.as_str();
    let key = || Key::Interface(name.to_string());
    if r.errors_sustained_per_s > 0.0 {
        let message = format!("{name}: {} errors/s", per_s(r.rx_errors_per_s + r.tx_errors_per_s));
        add(Severity::Warning, key(), name, message, 0.5);
    }
    let dropped = r.rx_dropped_per_s + r.tx_dropped_per_s;
    let packets = r.rx_packets_per_s + r.tx_packets_per_s + dropped;
    if !iface.bond_slave && dropped > 0.0 && packets > 0.0 {
        let pct = dropped * 100.0 / packets;
        percent(add, pct, t.interface_drops_warning, f64::INFINITY, key(), name, || {
            format!("{name} dropping {} of packets ({}/s)", format::percent(pct), per_s(dropped))
        });
    }
}

/// A percentage judged against a warning and an error level (at or above).
fn percent(add: &mut Add, value: f64, warning: f64, error: f64, key: Key, subject: &str, message: impl Fn() -> String) {
    let (severity, threshold) = if value >= error {
        (Severity::Error, error)
    } else if value >= warning {
        (Severity::Warning, warning)
    } else {
        return;
    };
    add(severity, key, subject, message(), (value - threshold) / (100.0 - threshold).max(1.0));
}

/// `0.4`, `12`, `1,200`: a rate as people read it.
fn per_s(v: f64) -> String {
    if v < 10.0 { format!("{v:.1}") } else { format::grouped(v.round() as u64) }
}
