//! The `ctop` binary: arguments, mode dispatch (dashboard, `--once`, `--json`) and
//! exit codes (0 fine, 1 cannot run here, 2 bad arguments or configuration).

use clap::Parser;
use clap::error::ErrorKind;
use ctop::cli::Args;
use ctop::config::{Config, Loaded};
use ctop::durations;
use ctop::report;
use ctop::sanitize;
use ctop::snapshot::{self, Intervals, Snapshot};
use ctop::source::{Source, TreeSystem};
use ctop::ui::{self, ColorMode, UiOptions};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

fn main() -> ExitCode {
    // Before any thread exists, so that every one inherits the smaller set.
    ctop::sandbox::drop_clock_capability();
    // One malloc arena for all threads: each collector thread would otherwise get its
    // own, each keeping freed memory of its own. Measured on a big node's shape (1,000
    // mounts, 400 interfaces): peak RSS 10.36 → 9.93 MB, CPU unchanged; ctop's threads
    // allocate too seldom to contend for one arena.
    // SAFETY: mallopt only sets a parameter of glibc's allocator.
    #[cfg(target_env = "gnu")]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    let args = match Args::try_parse() {
        Ok(args) => args,
        // A value clap cannot read (`--sample-ms -1`, a number too large for its type):
        // one line, like every other bad value. Usage errors and --help keep clap's text.
        Err(e) if matches!(e.kind(), ErrorKind::InvalidValue | ErrorKind::ValueValidation) => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            eprintln!("ctop: {}", first.strip_prefix("error: ").unwrap_or(first));
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            // Errors may quote paths and file contents.
            eprintln!("ctop: {}", sanitize::display(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.print_config {
        print!("{}", Config::default_toml());
        return Ok(ExitCode::SUCCESS);
    }
    // Checked before anything else, so a bad value is one line and exit 2 in any mode.
    let checked = (
        durations::sample_window(args.sample_ms).map_err(|why| format!("--sample-ms {why}")),
        args.interval.map(|s| durations::interval(s).map_err(|why| format!("--interval {why}"))).transpose(),
        args.proc_interval.map(|s| durations::interval(s).map_err(|why| format!("--proc-interval {why}"))).transpose(),
    );
    let (sample_window, interval, proc_interval) = match checked {
        (Ok(w), Ok(i), Ok(p)) => (w, i, p),
        (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => {
            eprintln!("ctop: {why}");
            return Ok(ExitCode::from(2));
        }
    };
    // A flag overrides the file's value, so a bad value there is not fatal.
    let overridden: Vec<&str> = [("interval", interval), ("proc_interval", proc_interval)]
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| *k)
        .collect();
    let Loaded { config, warnings } = match Config::load(args.config.as_deref(), &overridden) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("ctop: {}", sanitize::display(&e.to_string()));
            return Ok(ExitCode::from(2));
        }
    };
    let record_max = match args.record_max.as_deref().map(ctop::record::writer::parse_size).transpose() {
        Ok(max) => max.unwrap_or(ctop::record::writer::DEFAULT_MAX_BYTES),
        Err(why) => {
            eprintln!("ctop: --record-max {why}");
            return Ok(ExitCode::from(2));
        }
    };
    if let Some(Err(why)) = args.at.as_deref().map(|at| ctop::record::replay::parse_at(at, 0, 0)) {
        eprintln!("ctop: --at {why}");
        return Ok(ExitCode::from(2));
    }
    let config_warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    for warning in &config_warnings {
        eprintln!("ctop: warning: {}", sanitize::display(warning));
    }
    let source = match &args.root {
        Some(dir) if !dir.is_dir() => anyhow::bail!("--root {}: not a directory", dir.display()),
        Some(dir) if dir == Path::new("/") => Source::live(),
        // Another machine's files: its CPUID and uname from the tree, never this machine's.
        Some(dir) => Source::new(dir, Arc::new(TreeSystem::new(dir))),
        None => Source::live(),
    };

    // The file's values were checked when it was read.
    let seconds = |s: f64| Duration::from_secs_f64(s);
    let intervals = Intervals {
        fast: interval.unwrap_or(seconds(config.interval)),
        slow: seconds(config.slow_interval),
        processes: proc_interval.unwrap_or(seconds(config.proc_interval)),
    };
    let history = Duration::from_secs(config.history_minutes * 60);
    let replay = match &args.replay {
        Some(path) => {
            // A moment alone (--once, --json) needs only the minutes before it.
            let window =
                if args.once || args.json { (intervals.processes * 2).max(Duration::from_secs(300)) } else { history };
            // The dashboard shows its moment at once and fills the window behind it.
            let quick = !(args.once || args.json || args.openmetrics);
            match ctop::record::replay::open(path, args.at.as_deref(), &config.thresholds, intervals, window, quick) {
                Ok(player) => Some(player),
                Err(e) => {
                    eprintln!(
                        "ctop: --replay {}: {}",
                        sanitize::display(&path.display().to_string()),
                        sanitize::display(&e)
                    );
                    return Ok(ExitCode::from(1));
                }
            }
        }
        None => None,
    };

    if args.once || args.json || args.openmetrics {
        if !args.no_sandbox
            && let Err(e) = ctop::sandbox::install()
        {
            eprintln!("ctop: {e}; running without it");
        }
        // A replay shows the findings recorded with its moment, where it has them.
        let (mut snapshot, recorded) = match replay {
            Some((player, shown)) => (shown.snapshot, player.findings_recorded().then_some(shown.findings)),
            None => (snapshot::collect_once(&source, sample_window), None),
        };
        snapshot.config_warnings = config_warnings;
        let findings = recorded.unwrap_or_else(|| ctop::health::judge(&snapshot, &config.thresholds));
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

    let recorder = match &args.record {
        Some(path) => {
            match ctop::record::writer::Recorder::start(path, record_max, &recording_identity(&source, intervals)) {
                Ok(recorder) => {
                    ctop::sandbox::allow_recording_in(recorder.directory_fd());
                    Some(recorder)
                }
                Err(e) => anyhow::bail!("--record {}: {e}", path.display()),
            }
        }
        None => None,
    };
    let recorder = match (args.no_ui, recorder) {
        (true, Some(recorder)) => {
            ctop::record::headless::run(source, intervals, config.thresholds, recorder, !args.no_sandbox)?;
            return Ok(ExitCode::SUCCESS);
        }
        (_, recorder) => recorder,
    };
    let options = UiOptions {
        color: args.color,
        intervals,
        thresholds: config.thresholds,
        config_warnings,
        sandbox: !args.no_sandbox,
        show_kernel_threads: config.show_kernel_threads,
        history,
        recorder,
        replay,
    };
    ui::run(source, options)?;
    Ok(ExitCode::SUCCESS)
}

/// Who is recorded, for the start of each segment.
fn recording_identity(source: &Source, intervals: Intervals) -> ctop::record::Identity {
    let identity = Snapshot::with_identity(source);
    ctop::record::Identity {
        host: identity.host,
        platform: identity.platform,
        boot_epoch: ctop::collect::clock::ClockSampler::new(source.clone()).collect().boot_epoch,
        ctop_version: env!("CARGO_PKG_VERSION").into(),
        interval_ms: intervals.fast.as_millis() as u64,
        findings: true,
    }
}

/// NO_COLOR set to anything non-empty turns colour off (no-color.org).
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
