//! The `ctop` binary: arguments, mode dispatch (dashboard, `--once`, `--json`) and
//! exit codes (0 fine, 1 cannot run here, 2 bad arguments or configuration).

use clap::Parser;
use ctop::config::Config;
use ctop::report;
use ctop::snapshot::{self, Intervals};
use ctop::source::{LiveSystem, Source};
use ctop::ui::{self, ColorMode, UiOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// One screen that shows what is wrong with this Linux machine.
#[derive(Debug, Parser)]
#[command(name = "ctop", version, about, after_help = AFTER_HELP)]
struct Args {
    /// Print a plain-text snapshot (80 columns) and exit; made for incident notes.
    #[arg(long, conflicts_with = "json")]
    once: bool,
    /// Print one JSON document and exit; field names are stable (see the README).
    #[arg(long)]
    json: bool,
    /// With --once/--json: how long to sample rates and CPU % over, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    sample_ms: u64,
    /// Seconds between refreshes of CPU, load, memory, network and time (fractions
    /// allowed) [default: 1, or `interval` in the configuration file].
    #[arg(long, value_name = "SECS", value_parser = positive_seconds)]
    interval: Option<f64>,
    /// Seconds between process-table scans [default: 30, or `proc_interval` in the
    /// configuration file].
    #[arg(long, value_name = "SECS", value_parser = positive_seconds)]
    proc_interval: Option<f64>,
    /// Colours: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    color: ColorMode,
    /// Read /proc, /sys and /etc under DIR instead of / (a mounted disk image, a
    /// fixture tree). Filesystem sizes, interface addresses, the clock and CPUID still
    /// come from the running kernel.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Configuration file [default: $XDG_CONFIG_HOME/ctop/config.toml, else ~/.config/ctop/config.toml].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Print the default configuration as a commented TOML file and exit.
    #[arg(long)]
    print_config: bool,
}

const AFTER_HELP: &str = "\
Keys in the dashboard: q quit, ? help, P/M sort by CPU/memory, / filter, r rescan processes, Tab focus.
Colours: yellow is a warning, red an error; `!` and `!!` mark them where colour is off.";

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a positive number of seconds")),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ctop: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.print_config {
        print!("{}", Config::default_toml());
        return Ok(ExitCode::SUCCESS);
    }
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ctop: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let source = match &args.root {
        Some(dir) if !dir.is_dir() => anyhow::bail!("--root {}: not a directory", dir.display()),
        Some(dir) => Source::new(dir, Arc::new(LiveSystem)),
        None => Source::live(),
    };

    if args.once || args.json {
        let snapshot = snapshot::collect_once(&source, Duration::from_millis(args.sample_ms));
        let findings = ctop::health::judge(&snapshot, &config.thresholds);
        let text = if args.json {
            report::json(&snapshot, &findings)?
        } else {
            let color = match args.color {
                ColorMode::Always => true,
                ColorMode::Never => false,
                ColorMode::Auto => std::io::stdout().is_terminal() && !no_color_env(),
            };
            report::text(&snapshot, &findings, color)
        };
        let mut out = std::io::stdout().lock();
        // A closed pipe (`ctop --once | head`) is not an error worth a message.
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(e.into());
        }
        return Ok(ExitCode::SUCCESS);
    }

    let seconds = |s: f64| Duration::from_secs_f64(s);
    let intervals = Intervals {
        fast: seconds(args.interval.unwrap_or(config.interval)),
        slow: seconds(config.slow_interval),
        processes: seconds(args.proc_interval.unwrap_or(config.proc_interval)),
    };
    let history = Duration::from_secs(config.history_minutes * 60);
    ui::run(source, UiOptions { color: args.color, intervals, thresholds: config.thresholds, history })?;
    Ok(ExitCode::SUCCESS)
}

/// NO_COLOR set to anything non-empty turns colour off (no-color.org).
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
