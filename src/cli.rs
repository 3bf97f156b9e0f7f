//! The command line: every flag, its help and its checks. The binary parses it
//! (`main.rs`); the man page and the shell completions in `packaging/` are generated
//! from it by `tests/packaging_docs.rs`, so none of them can drift from the others.

use crate::ui::ColorMode;
use clap::Parser;
use std::path::PathBuf;

/// One screen that shows what is wrong with this Linux machine.
#[derive(Debug, Parser)]
// term_width = 0: help is never wrapped, the same in every build (a dev-dependency turns
// on clap's wrap_help in test builds) and exactly what README's Options block shows.
#[command(name = "ctop", version, about, after_help = AFTER_HELP, term_width = 0)]
pub struct Args {
    /// Print a plain-text snapshot (80 columns) and exit; made for incident notes.
    #[arg(long, conflicts_with_all = ["json", "openmetrics"])]
    pub once: bool,
    /// Print one JSON document and exit; field names are stable (see the README).
    #[arg(long, conflicts_with = "openmetrics")]
    pub json: bool,
    /// Print the numbers and the findings as OpenMetrics text for Prometheus (e.g.
    /// node_exporter's textfile collector) and exit.
    #[arg(long)]
    pub openmetrics: bool,
    /// With --once/--json/--openmetrics: how long to sample rates and CPU % over, in milliseconds
    /// (0 to 3600000, one hour).
    #[arg(long, value_name = "MS", default_value_t = 1000, allow_hyphen_values = true)]
    pub sample_ms: u64,
    /// Seconds between refreshes of CPU, load, memory, network and time (0.1 to 86400,
    /// fractions allowed) [default: 1, or `interval` in the configuration file].
    #[arg(long, value_name = "SECS", allow_hyphen_values = true)]
    pub interval: Option<f64>,
    /// Seconds between process-table scans (0.1 to 86400) [default: 30, or
    /// `proc_interval` in the configuration file].
    #[arg(long, value_name = "SECS", allow_hyphen_values = true)]
    pub proc_interval: Option<f64>,
    /// Colours: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorMode,
    /// Read /proc, /sys and /etc under DIR instead of / (a mounted disk image, a
    /// fixture tree). Filesystem sizes, interface addresses, the clock and CPUID still
    /// come from the running kernel.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file [default: $XDG_CONFIG_HOME/ctop/config.toml, else ~/.config/ctop/config.toml].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print the default configuration as a commented TOML file and exit.
    #[arg(long)]
    pub print_config: bool,
    /// Record to the directory PATH (made if missing) while running: the flight
    /// recorder, in segments of compressed, checksummed blocks (see --replay).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["once", "json", "openmetrics", "replay", "root"])]
    pub record: Option<PathBuf>,
    /// With --record: record without the dashboard (no terminal needed) until SIGTERM or
    /// SIGINT, then exit 0 with the recording complete.
    #[arg(long, requires = "record")]
    pub no_ui: bool,
    /// With --record: the most the recording directory may hold; the oldest segments are
    /// deleted first (e.g. 500M, 1G; at least 1M) [default: 1G].
    #[arg(long, value_name = "SIZE", requires = "record")]
    pub record_max: Option<String>,
    /// Show a recording (a --record directory or one of its segments) in the dashboard,
    /// at its end or --at; with --once or --json print that moment.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["openmetrics", "root"])]
    pub replay: Option<PathBuf>,
    /// With --replay: the moment to show: HH:MM, HH:MM:SS, an epoch, -10m (before the
    /// recording's end), or a date and time (2026-11-29 03:12:07), in the recording's zone.
    #[arg(long, value_name = "TIME", requires = "replay", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Run without the seccomp sandbox (on by default: once set up, ctop can neither
    /// write files, run programs nor open network sockets).
    #[arg(long)]
    pub no_sandbox: bool,
}

pub const AFTER_HELP: &str = "\
Keys in the dashboard: q quit, ? help, P/M/I sort by CPU/memory/disk I/O, / filter, r rescan processes, Tab focus.
Colours: yellow is a warning, red an error; `!` and `!!` mark them where colour is off.";
