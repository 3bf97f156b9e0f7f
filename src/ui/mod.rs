//! The full-screen dashboard (ratatui + crossterm): one screen with the header, the
//! problem lines, CPU, memory, filesystems, network, processes, repeated binaries and
//! listening ports, fitted to the terminal's size.

mod ansi16;
mod app;
pub mod cgroup_order;
mod cgroup_tree;
mod connections;
mod cpu;
pub mod dashboard;
mod diskio;
mod disks;
mod graph;
mod graphs;
mod header;
pub mod help;
pub mod layout;
mod memory;
mod moment;
mod network;
mod playback;
mod ports;
mod problems;
mod processes;
mod redraw;
pub mod screen;
mod services;
mod sparklines;
pub mod table;
mod terminal;
mod text;
pub mod theme;
mod timeline;
pub mod view;

pub use theme::{ColorMode, Theme};

use std::io::IsTerminal;

pub struct UiOptions {
    pub color: ColorMode,
    pub intervals: crate::snapshot::Intervals,
    pub thresholds: crate::health::Thresholds,
    /// What was wrong with the configuration that ctop ran past, for the problem list.
    pub config_warnings: Vec<String>,
    /// Install the seccomp sandbox once the terminal is set up (off with `--no-sandbox`).
    pub sandbox: bool,
    /// Kernel threads listed at start (the `K` key toggles them).
    pub show_kernel_threads: bool,
    /// How far back history reaches (`history_minutes`).
    pub history: std::time::Duration,
    /// `--record`: every update is also written to the recording.
    pub recorder: Option<crate::record::writer::Recorder>,
    /// `--replay`: the screen shows a recording instead of this machine.
    pub replay: Option<(crate::record::replay::Player, crate::record::replay::Shown)>,
}

/// Runs the dashboard until the user quits or a signal stops it; the terminal is given
/// back in every case.
pub fn run(source: crate::source::Source, options: UiOptions) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        // main prints it as "ctop: <message>".
        anyhow::bail!("not a terminal; use `ctop --once` for a text snapshot");
    }
    let theme = Theme { color: options.color.use_color(std::env::var_os("NO_COLOR").as_deref()) };
    // crossterm drops colours by itself when NO_COLOR is set; the theme has decided.
    crossterm::style::force_color_output(theme.color);
    app::run(source, options, theme)
}
