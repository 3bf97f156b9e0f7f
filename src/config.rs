//! The configuration file (`$XDG_CONFIG_HOME/ctop/config.toml`, or `--config PATH`):
//! thresholds and refresh intervals.

use crate::health::Thresholds;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub thresholds: Thresholds,
    /// Seconds between fast-tier refreshes.
    pub interval: f64,
    /// Seconds between filesystem and port refreshes.
    pub slow_interval: f64,
    /// Seconds between process scans.
    pub proc_interval: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self { thresholds: Thresholds::default(), interval: 1.0, slow_interval: 5.0, proc_interval: 30.0 }
    }
}

impl Config {
    /// Placeholder until the config work merges.
    pub fn load(explicit: Option<&std::path::Path>) -> anyhow::Result<Config> {
        let _ = explicit;
        Ok(Config::default())
    }

    pub fn default_toml() -> String {
        String::new()
    }
}
