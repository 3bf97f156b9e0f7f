//! The graph band: the whole history window as time graphs, side by side — CPU busy
//! (user, system, iowait, steal), the 1-minute load against the CPUs with the warning
//! and error levels, memory used %, and receive/transmit of the busiest interfaces
//! (two where the width allows). Each is a [`Graph`]; the thresholds are the ones the
//! findings use, so a column turns yellow or red exactly when the figure would.

use crate::format;
use crate::health::Severity;
use crate::history::{Column, Metric};
use crate::ui::graph::Graph;
use crate::ui::screen::{Screen, Times};
use crate::ui::theme::BarPart;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

/// The narrowest a graph is worth drawing.
const MIN_GRAPH_WIDTH: u16 = 28;
/// Interfaces graphed at most.
const MAX_INTERFACES: usize = 2;

pub fn draw(buf: &mut Buffer, area: Rect, screen: &Screen, times: &Times) {
    if area.height < 3 || area.width < MIN_GRAPH_WIDTH {
        return;
    }
    let from_ms = times.newest_ms - times.window_ms;
    let room = usize::from((area.width + 1) / (MIN_GRAPH_WIDTH + 1)).clamp(1, 3 + MAX_INTERFACES);
    let interfaces = times.history.busiest_interfaces(from_ms, times.newest_ms, room.saturating_sub(3));
    let mut metrics = vec![Metric::Cpu, Metric::Load, Metric::Memory];
    metrics.extend(interfaces.into_iter().map(Metric::Interface));
    metrics.truncate(room);
    let n = metrics.len() as u16;
    let width = (area.width + 1) / n - 1;
    let mut columns = Vec::new();
    for (i, metric) in metrics.iter().enumerate() {
        let x = area.x + i as u16 * (width + 1);
        let w = if i as u16 == n - 1 { area.right() - x } else { width };
        let rect = Rect { x, width: w, ..area };
        let covered = times.history.columns(metric, times.newest_ms, times.window_ms, w as usize, &mut columns);
        draw_one(buf, rect, metric, &columns, screen, times, covered);
    }
}

/// How one metric is drawn: its words, scale, colours and judgement.
pub(super) struct Spec {
    title: String,
    summary: Vec<String>,
    pub(super) scale: f64,
    scale_label: String,
    pub(super) parts: [Style; 4],
    pub(super) judge: Box<dyn Fn(f64) -> Severity>,
    levels: Vec<(f64, Severity)>,
}

fn draw_one(
    buf: &mut Buffer,
    area: Rect,
    metric: &Metric,
    columns: &[Column],
    screen: &Screen,
    times: &Times,
    (from_ms, to_ms): (i64, i64),
) {
    let peak = columns.iter().filter(|c| c.samples > 0).map(|c| f64::from(c.max)).fold(0.0, f64::max);
    let spec = spec(metric, peak, screen, times);
    let graph = Graph {
        title: &spec.title,
        summary: spec.summary,
        columns,
        scale: spec.scale,
        scale_label: spec.scale_label,
        parts: spec.parts,
        judge: &*spec.judge,
        levels: &spec.levels,
        from_ms,
        to_ms,
        utc_offset_s: times.history.utc_offset_s(),
        cursor_ms: times.in_past().then_some(times.shown_ms),
    };
    graph.draw(buf, area, screen.theme);
}

pub(super) fn spec(metric: &Metric, peak: f64, screen: &Screen, times: &Times) -> Spec {
    let theme = screen.theme;
    let t = times.thresholds;
    let s = screen.snapshot;
    let none = Style::new();
    let percent = |warning: f64, error: f64| -> Box<dyn Fn(f64) -> Severity> {
        Box::new(move |v| grade(v >= error, v >= warning))
    };
    let levels = |warning: f64, error: f64| vec![(warning, Severity::Warning), (error, Severity::Error)];
    match metric {
        Metric::Cpu => Spec {
            title: "CPU".into(),
            summary: vec![
                format!("{} busy", now(s.cpu.total.map(|u| u.busy()), format::percent)),
                format!("max {}", format::percent(peak)),
            ],
            scale: 100.0,
            scale_label: "100%".into(),
            parts: [
                theme.bar(BarPart::User),
                theme.bar(BarPart::System),
                theme.bar(BarPart::Other),
                if theme.color { Style::new().fg(Color::Cyan) } else { none },
            ],
            judge: percent(t.cpu_warning, t.cpu_error),
            levels: levels(t.cpu_warning, t.cpu_error),
        },
        Metric::Load => {
            let capacity = load_capacity(screen);
            let (warning, error) = (t.load_warning * capacity, t.load_error * capacity);
            let scale = nice_ceiling(peak.max(error * 1.25));
            Spec {
                title: "load".into(),
                summary: vec![
                    now(s.cpu.load.map(|l| l.one), |v| format!("{v:.2}")),
                    format!("max {peak:.2}"),
                    format!("{} CPUs", trim(capacity)),
                ],
                scale,
                scale_label: trim(scale),
                parts: [theme.bar(BarPart::User), none, none, none],
                // "Exceeds", as the load rule says: a load equal to the CPUs has no queue.
                judge: Box::new(move |v| grade(v > error, v > warning)),
                levels: levels(warning, error),
            }
        }
        Metric::Memory => Spec {
            title: "memory".into(),
            summary: vec![
                format!("{} used", now(memory_percent(screen), format::percent)),
                format!("max {}", format::percent(peak)),
            ],
            scale: 100.0,
            scale_label: "100%".into(),
            parts: [theme.bar(BarPart::User), none, none, none],
            judge: percent(t.memory_warning, t.memory_error),
            levels: levels(t.memory_warning, t.memory_error),
        },
        Metric::Interface(name) => {
            let rates = s.interfaces.iter().find(|i| i.name == *name).and_then(|i| i.rates);
            let scale = nice_ceiling(peak.max(1.0));
            Spec {
                title: crate::sanitize::display(name).into_owned(),
                summary: match rates {
                    Some(r) => vec![
                        format!("rx {}", format::bit_rate(r.rx_bytes_per_s)),
                        format!("tx {}", format::bit_rate(r.tx_bytes_per_s)),
                    ],
                    None => vec!["rx/tx".into()],
                },
                scale,
                scale_label: format::bit_rate(scale),
                parts: [theme.bar(BarPart::User), theme.bar(BarPart::System), none, none],
                judge: Box::new(|_| Severity::Ok),
                levels: Vec::new(),
            }
        }
    }
}

fn grade(error: bool, warning: bool) -> Severity {
    if error {
        Severity::Error
    } else if warning {
        Severity::Warning
    } else {
        Severity::Ok
    }
}

fn now(value: Option<f64>, show: impl Fn(f64) -> String) -> String {
    value.map_or_else(|| "…".into(), show)
}

/// What the load is judged against: the CPUs, or a smaller container quota (as the
/// load rule does).
fn load_capacity(screen: &Screen) -> f64 {
    let cpus = screen.snapshot.cpu.model.logical_cpus.max(1) as f64;
    screen.snapshot.limits.cpu_quota_cpus.filter(|q| *q > 0.0 && *q < cpus).unwrap_or(cpus)
}

fn memory_percent(screen: &Screen) -> Option<f64> {
    let m = screen.snapshot.memory.filter(|m| m.total_bytes > 0)?;
    Some(m.used_bytes as f64 * 100.0 / m.total_bytes as f64)
}

/// `2` for 2.0, `2.5` for 2.5.
fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `v`: a scale that reads.
fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * power).find(|c| *c >= v).unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_up_to_numbers_that_read() {
        assert_eq!(nice_ceiling(3.7), 5.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
        assert_eq!(nice_ceiling(2.1), 2.5);
        assert_eq!(nice_ceiling(120_000.0), 200_000.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }
}
