//! The `ctop` binary: arguments, mode dispatch (dashboard, `--once`, `--json`) and
//! exit codes (0 fine, 1 cannot run here, 2 bad arguments or configuration).

use clap::Parser;
use ctop::cli::Args;
use ctop::config::Config;
use ctop::report;
use ctop::snapshot::{self, Intervals};
use ctop::source::{LiveSystem, Source};
use ctop::ui::{self, ColorMode, UiOptions};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

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

    if args.once || args.json || args.openmetrics {
        let snapshot = snapshot::collect_once(&source, Duration::from_millis(args.sample_ms));
        let findings = ctop::health::judge(&snapshot, &config.thresholds);
        let text = if args.json {
            report::json(&snapshot, &findings)?
        } else if args.openmetrics {
            report::openmetrics(&snapshot, &findings)
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
    ui::run(
        source,
        UiOptions {
            color: args.color,
            intervals,
            thresholds: config.thresholds,
            show_kernel_threads: config.show_kernel_threads,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// NO_COLOR set to anything non-empty turns colour off (no-color.org).
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
