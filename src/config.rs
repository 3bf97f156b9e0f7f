//! The configuration file (`$XDG_CONFIG_HOME/ctop/config.toml`, or `--config PATH`):
//! thresholds and refresh intervals. Every key is optional; a mistake in the file is
//! reported as one line naming the file, the line and the key.

use crate::durations;
use crate::health::Thresholds;
use serde::{Deserialize, Serialize};
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Seconds between fast-tier refreshes.
    pub interval: f64,
    /// Seconds between filesystem and port refreshes.
    pub slow_interval: f64,
    /// Seconds between process scans.
    pub proc_interval: f64,
    /// List kernel threads among the processes (the `K` key toggles it; the totals
    /// always count them).
    pub show_kernel_threads: bool,
    /// Minutes of history kept in memory for the graphs and stepping back.
    pub history_minutes: u64,
    pub thresholds: Thresholds,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            thresholds: Thresholds::default(),
            interval: 1.0,
            slow_interval: 5.0,
            proc_interval: 30.0,
            show_kernel_threads: false,
            history_minutes: 60,
        }
    }
}

/// A day of history: at the 1 s default about 14 MB on a 2-CPU machine (PERFORMANCE.md).
pub const MAX_HISTORY_MINUTES: u64 = 1440;

/// Why the configuration could not be used. Its `Display` is one line:
/// `/root/.config/ctop/config.toml:7: unknown key "lod_warning" in [thresholds]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line of the mistake, where it has one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// One comment per key of the file `--print-config` writes (a test checks that every
/// key has one).
const DOCS: &[(&str, &str)] = &[
    ("interval", "Seconds between refreshes of CPU, memory, network, pressure (0.1 to 86400, fractions allowed)."),
    ("slow_interval", "Seconds between refreshes of filesystems and listening ports (0.1 to 86400)."),
    ("proc_interval", "Seconds between scans of the process table (0.1 to 86400)."),
    (
        "show_kernel_threads",
        "List kernel threads among the processes, as htop's K key does (the totals count them anyway).",
    ),
    ("history_minutes", "Minutes of history kept in memory for the graphs and stepping back (1-1440)."),
    ("load_warning", "1-minute load above this many times the CPUs (or the container's CPU quota)."),
    ("load_error", ""),
    ("cpu_warning", "CPU busy %, at or above (everything but idle and iowait)."),
    ("cpu_error", ""),
    ("iowait_warning", "iowait % and steal %, at or above (warnings only)."),
    ("steal_warning", ""),
    ("memory_warning", "Memory used % (total - available; in a container, of its limit)."),
    ("memory_error", ""),
    ("swap_warning", "Swap used % (no swap: never judged)."),
    ("swap_error", ""),
    ("fs_space_warning", "Filesystem space used %, as df shows it."),
    ("fs_space_error", ""),
    ("fs_inodes_warning", "Filesystem inodes used %, as df -i shows it."),
    ("fs_inodes_error", ""),
    ("repeated_warning", "One executable with more instances than this (0 = off) ..."),
    ("repeated_share_warning", "... or with more than this % of all processes,"),
    ("repeated_share_min_processes", "once there are more than this many processes."),
    ("zombies_warning", "At least this many zombie processes (0 = off)."),
    ("recent_reboot_seconds", "Uptime below this many seconds: a recent reboot."),
    ("oom_watching_error", "OOM kills since ctop started, at least this many: error (0 = off)."),
    ("oom_since_boot_warning", "OOM kills since boot, at least this many: warning (0 = off)."),
    ("pressure_cpu_some_warning", "Pressure stall (PSI avg10 %, where the kernel has it)."),
    ("pressure_memory_some_warning", ""),
    ("pressure_memory_full_error", ""),
    ("pressure_io_some_warning", ""),
    ("disk_util_rotational_warning", "A spinning disk's %util over the last 10 s, at or above."),
    (
        "disk_await_rotational_warning",
        "Average read or write await (ms) over the last 10 s: rotational disks, then SSD/NVMe.",
    ),
    ("disk_await_rotational_error", ""),
    ("disk_await_solid_state_warning", ""),
    ("disk_await_solid_state_error", ""),
    ("disk_queue_solid_state_warning", "An SSD/NVMe disk's average queue (aqu-sz) over the last 10 s (0: off)."),
    (
        "blocked_warning_seconds",
        "Seconds a process stays in D state (uninterruptible) before a warning; an error from the next.",
    ),
    ("blocked_error_seconds", ""),
    ("blocked_error_count", "An error, too, when at least this many processes are blocked that long (0: off)."),
    (
        "clock_max_error_warning_seconds",
        "Clock not synchronised when the kernel's maxerror reaches this (16: as timedated; 17: off).",
    ),
    ("kernel_files_warning", "File handles open system-wide, % of fs.file-max."),
    ("kernel_files_error", ""),
    ("kernel_tasks_warning", "Tasks (processes and threads), % of the tighter of kernel.pid_max and threads-max."),
    ("kernel_tasks_error", ""),
    ("process_files_warning", "A process's open descriptors, % of its own soft limit (counted from 50 %)."),
    ("process_files_error", ""),
    ("process_scan_stalled_seconds", "A process scan this many seconds without an answer: not responding (0 = off)."),
    ("tcp_listen_drops_error", "TCP listen-queue drops a second, held 2 slow intervals: error (any drop: warning)."),
    ("tcp_retransmit_warning", "Retransmitted TCP segments, % of segments sent."),
    ("tcp_retransmit_error", ""),
    ("tcp_orphans_warning", "Orphaned TCP sockets, % of net.ipv4.tcp_max_orphans."),
    ("tcp_orphans_error", ""),
    ("tcp_memory_warning", "TCP buffer memory, % of net.ipv4.tcp_mem's limit."),
    ("tcp_memory_error", ""),
    ("tcp_time_wait_warning", "TIME_WAIT sockets, % of net.ipv4.tcp_max_tw_buckets."),
    ("conntrack_warning", "Conntrack entries, % of nf_conntrack_max (any drop: error)."),
    ("conntrack_error", ""),
    ("interface_drops_warning", "An interface's dropped packets, % of its packets (bond slaves not judged)."),
    ("cgroup_memory_warning", "A service/container's memory % of its limit (less reclaimable page cache)."),
    ("cgroup_memory_error", "(an error from the warning on when the kernel also reclaims at the limit)"),
    ("cgroup_throttled_warning", "A service/container throttled by its CPU quota this % of the time."),
    ("cgroup_pids_warning", "A service/container's pids as % of its pids.max."),
];

impl Config {
    /// The configuration to run with. `explicit` (`--config PATH`) must exist and be
    /// readable; without it, the file at [`Config::default_path`] is read if there is
    /// one, the defaults are used if not, and a default file that cannot be read
    /// (someone else's `HOME`: `sudo -E`, `su` without `-`) is a warning, not an error.
    /// `overridden` names the interval keys a flag replaces: a bad value there is a
    /// warning too, since it is not used.
    pub fn load(explicit: Option<&Path>, overridden: &[&str]) -> Result<Loaded, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match Self::default_path() {
                Some(p) => p,
                None => return Ok(Loaded::defaults()),
            },
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_toml_overriding(&text, &path, overridden),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => Ok(Loaded::defaults()),
            // Not UTF-8 is a mistake in the file, not a file out of reach.
            Err(e) if explicit.is_none() && e.kind() != std::io::ErrorKind::InvalidData => {
                let message = format!("cannot read ({}), using the defaults", e.kind());
                Ok(Loaded { warnings: vec![ConfigError { path, line: None, message }], ..Loaded::defaults() })
            }
            Err(e) => Err(ConfigError { path, line: None, message: format!("cannot read: {e}") }),
        }
    }

    /// `$XDG_CONFIG_HOME/ctop/config.toml`, else `$HOME/.config/ctop/config.toml`.
    pub fn default_path() -> Option<PathBuf> {
        config_path(std::env::var_os("XDG_CONFIG_HOME").as_deref(), std::env::var_os("HOME").as_deref())
    }

    /// Parses and checks a configuration file's text; `path` names it in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Self::from_toml_overriding(text, path, &[]).map(|loaded| loaded.config)
    }

    /// [`Config::from_toml`], where a bad value of a key in `overridden` (an interval a
    /// flag replaces) is a warning and its default is kept in its place.
    fn from_toml_overriding(text: &str, path: &Path, overridden: &[&str]) -> Result<Loaded, ConfigError> {
        let error = |line: Option<usize>, message: String| ConfigError { path: path.to_path_buf(), line, message };
        let document = DeTable::parse(text).map_err(|e| {
            let first = e.message().lines().next().unwrap_or("").to_string();
            error(e.span().map(|s| line_of(text, s.start)), format!("invalid TOML: {first}"))
        })?;
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let span = e.span();
            let at = span.as_ref().and_then(|s| key_at(document.get_ref(), s.start, &mut Vec::new()));
            error(span.map(|s| line_of(text, s.start)), explain(e.message(), at.as_deref()))
        })?;
        let at = |key_path: &[&str], why: String| {
            let line = key_span(document.get_ref(), key_path).map(|start| line_of(text, start));
            error(line, format!("{} {why}", describe(key_path)))
        };
        let mut warnings = Vec::new();
        for (key, why) in config.bad_intervals() {
            if !overridden.contains(&key) {
                return Err(at(&[key], why));
            }
            warnings.push(at(&[key], format!("{why} (not used: a flag overrides it)")));
            config.reset_interval(key);
        }
        if !(1..=MAX_HISTORY_MINUTES).contains(&config.history_minutes) {
            let why = format!("must be 1 to {MAX_HISTORY_MINUTES}, not {}", config.history_minutes);
            return Err(at(&["history_minutes"], why));
        }
        config.thresholds.validate().map_err(|(key, why)| at(&["thresholds", key], why))?;
        Ok(Loaded { config, warnings })
    }

    /// The defaults as a commented configuration file (`ctop --print-config`).
    pub fn default_toml() -> String {
        let plain = toml::to_string(&Config::default()).expect("the defaults serialize");
        let mut out = String::from(
            "# ctop configuration: copy to ~/.config/ctop/config.toml (or $XDG_CONFIG_HOME/ctop/).\n\
             # Every key is optional; a missing key keeps the default shown here.\n\
             # Percentages are of capacity (a value above 100 never fires).\n\n",
        );
        for line in plain.lines() {
            let key = line.split_once(" = ").map(|(k, _)| k);
            if let Some((_, doc)) = key.and_then(|k| DOCS.iter().find(|(name, _)| *name == k))
                && !doc.is_empty()
            {
                out.push_str(&format!("# {doc}\n"));
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// The intervals outside [`durations::interval`]'s range, with why.
    fn bad_intervals(&self) -> Vec<(&'static str, String)> {
        let intervals =
            [("interval", self.interval), ("slow_interval", self.slow_interval), ("proc_interval", self.proc_interval)];
        intervals
            .into_iter()
            .filter_map(|(key, value)| durations::interval(value).err().map(|why| (key, why)))
            .collect()
    }

    fn reset_interval(&mut self, key: &str) {
        let defaults = Config::default();
        match key {
            "interval" => self.interval = defaults.interval,
            "slow_interval" => self.slow_interval = defaults.slow_interval,
            _ => self.proc_interval = defaults.proc_interval,
        }
    }
}

/// A configuration ctop can run with, and what it ran past to get it (an unreadable
/// default file, a bad value a flag overrides): each a warning for stderr and the
/// problem list.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<ConfigError>,
}

impl Loaded {
    fn defaults() -> Self {
        Self { config: Config::default(), warnings: Vec::new() }
    }
}

/// The configuration file's path for these environment values: an absolute
/// `XDG_CONFIG_HOME` wins (the XDG spec says to ignore a relative one), then `HOME`.
pub fn config_path(xdg_config_home: Option<&OsStr>, home: Option<&OsStr>) -> Option<PathBuf> {
    let base = match xdg_config_home.map(Path::new).filter(|p| p.is_absolute()) {
        Some(xdg) => xdg.to_path_buf(),
        None => Path::new(home.filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(base.join("ctop").join("config.toml"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The key path (`["thresholds", "load_warning"]`) whose key or value holds `offset`.
fn key_at(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> Option<Vec<String>> {
    for (key, value) in table {
        path.push(key.get_ref().to_string());
        if key.span().contains(&offset) {
            return Some(path.clone());
        }
        if let DeValue::Table(inner) = value.get_ref()
            && let Some(found) = key_at(inner, offset, path)
        {
            return Some(found);
        }
        if value.span().contains(&offset) {
            return Some(path.clone());
        }
        path.pop();
    }
    None
}

/// Where the key at `path` is written.
fn key_span(table: &DeTable<'_>, path: &[&str]) -> Option<usize> {
    let (first, rest) = path.split_first()?;
    let (key, value): (&Spanned<_>, &Spanned<DeValue<'_>>) = table.iter().find(|(k, _)| k.get_ref() == first)?;
    match (rest.is_empty(), value.get_ref()) {
        (true, _) => Some(key.span().start),
        (false, DeValue::Table(inner)) => key_span(inner, rest),
        (false, _) => None,
    }
}

/// `"load_warning" in [thresholds]`, `"interval"`.
fn describe<S: AsRef<str>>(path: &[S]) -> String {
    match path.split_last() {
        Some((key, [])) => format!("\"{}\"", key.as_ref()),
        Some((key, table)) => {
            let table: Vec<&str> = table.iter().map(AsRef::as_ref).collect();
            format!("\"{}\" in [{}]", key.as_ref(), table.join("."))
        }
        None => "the file".to_string(),
    }
}

/// Serde's wording turned into the file's: keys, not fields; which key and table.
fn explain(message: &str, at: Option<&[String]>) -> String {
    let first = message.lines().next().unwrap_or("");
    if let Some(name) = first.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
        let table = at.map(|p| &p[..p.len().saturating_sub(1)]).unwrap_or(&[]);
        let place = if table.is_empty() { String::new() } else { format!(" in [{}]", table.join(".")) };
        // Serde lists the keys it knows: suggest the nearest when it is a likely typo.
        let known = first.split_once("expected one of ").map_or("", |(_, list)| list);
        let nearest = known.split(", ").map(|k| k.trim_matches('`')).min_by_key(|k| edit_distance(name, k));
        return match nearest.filter(|k| edit_distance(name, k) <= 2.max(name.len() / 3)) {
            Some(k) => format!("unknown key \"{name}\"{place} (did you mean \"{k}\"?)"),
            None => format!("unknown key \"{name}\"{place}"),
        };
    }
    // Rust's type names mean nothing to someone editing a TOML file.
    let first = first
        .replace("expected f64", "expected a number")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected struct Thresholds", "expected a table");
    match at {
        Some(path) => format!("{}: {first}", describe(path)),
        None => first,
    }
}

/// Levenshtein distance: how many one-character edits turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}
