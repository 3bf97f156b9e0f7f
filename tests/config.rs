//! The configuration file: defaults, partial files, every kind of mistake as one line
//! naming the file, line and key, and where the file is looked for.

use ctop::config::{Config, config_path};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn parse(text: &str) -> Result<Config, String> {
    Config::from_toml(text, Path::new("/etc/ctop.toml")).map_err(|e| e.to_string())
}

#[test]
fn the_printed_defaults_parse_back_to_the_defaults() {
    let text = Config::default_toml();
    assert_eq!(parse(&text).unwrap(), Config::default());
    assert!(text.contains("[thresholds]"));
    assert!(text.contains("load_warning = 1.0"));
    assert!(text.contains("memory_error = 90.0"));
}

#[test]
fn every_key_of_the_printed_defaults_is_explained() {
    let text = Config::default_toml();
    let keys: Vec<&str> =
        text.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once(" = ").map(|(k, _)| k)).collect();
    assert_eq!(keys.len(), 62, "{text}");
    // A key is explained by a comment right above it, or shares the one of the group above.
    let mut explained_group = false;
    for line in text.lines() {
        if line.starts_with('#') {
            explained_group = true;
        } else if line.is_empty() || line.starts_with('[') {
            explained_group = false;
        } else {
            assert!(explained_group, "no comment for {line}");
        }
    }
}

#[test]
fn an_empty_file_is_the_defaults_and_a_partial_file_overrides_only_its_keys() {
    assert_eq!(parse("").unwrap(), Config::default());
    let c = parse("interval = 0.5\n[thresholds]\nload_warning = 1.5\ncpu_warning = 60\n").unwrap();
    assert_eq!(c.interval, 0.5);
    assert_eq!(c.slow_interval, 5.0);
    assert_eq!(c.thresholds.load_warning, 1.5);
    assert_eq!(c.thresholds.cpu_warning, 60.0, "an integer is accepted where a number is expected");
    assert_eq!(c.thresholds.load_error, 2.0);
    // Dotted keys and inline tables are the same TOML.
    assert_eq!(parse("thresholds.swap_error = 70\n").unwrap().thresholds.swap_error, 70.0);
    assert_eq!(parse("thresholds = { swap_error = 70 }\n").unwrap().thresholds.swap_error, 70.0);
}

#[test]
fn an_unknown_key_names_the_file_the_line_and_the_table() {
    let text = "# mine\ninterval = 2\n\n[thresholds]\nload_error = 3\n\nlod_warning = 1.5\n";
    assert_eq!(
        parse(text).unwrap_err(),
        r#"/etc/ctop.toml:7: unknown key "lod_warning" in [thresholds] (did you mean "load_warning"?)"#
    );
    assert_eq!(
        parse("intervall = 2\n").unwrap_err(),
        r#"/etc/ctop.toml:1: unknown key "intervall" (did you mean "interval"?)"#
    );
    assert_eq!(
        parse("interval = 2\n[thresholds]\ncpu_warning = 1\n[colors]\nred = 1\n").unwrap_err(),
        r#"/etc/ctop.toml:4: unknown key "colors""#
    );
    assert_eq!(
        parse("[thresholds]\npressure_io_warning = 40\n").unwrap_err(),
        r#"/etc/ctop.toml:2: unknown key "pressure_io_warning" in [thresholds] (did you mean "pressure_io_some_warning"?)"#
    );
    assert_eq!(
        parse("interval = 1\nthresholds.lod_warning = 1.5\n").unwrap_err(),
        r#"/etc/ctop.toml:2: unknown key "lod_warning" in [thresholds] (did you mean "load_warning"?)"#
    );
}

#[test]
fn a_wrong_type_names_the_key_and_what_was_expected() {
    assert_eq!(
        parse("[thresholds]\nmemory_warning = 80\nmemory_error = \"ninety\"\n").unwrap_err(),
        r#"/etc/ctop.toml:3: "memory_error" in [thresholds]: invalid type: string "ninety", expected a number"#
    );
    assert_eq!(
        parse("interval = true\n").unwrap_err(),
        r#"/etc/ctop.toml:1: "interval": invalid type: boolean `true`, expected a number"#
    );
    assert_eq!(
        parse("[thresholds]\nzombies_warning = -1\n").unwrap_err(),
        r#"/etc/ctop.toml:2: "zombies_warning" in [thresholds]: invalid value: integer `-1`, expected a whole number ≥ 0"#
    );
    assert_eq!(
        parse("thresholds = 3\n").unwrap_err(),
        r#"/etc/ctop.toml:1: "thresholds": invalid type: integer `3`, expected a table"#
    );
}

#[test]
fn bad_toml_names_the_line() {
    let err = parse("interval = 1\nslow_interval = = 5\n").unwrap_err();
    assert!(err.starts_with("/etc/ctop.toml:2: invalid TOML: "), "{err}");
    let err = parse("[thresholds\n").unwrap_err();
    assert!(err.starts_with("/etc/ctop.toml:1: invalid TOML: "), "{err}");
    let err = parse("interval = 1\ninterval = 2\n").unwrap_err();
    assert!(err.starts_with("/etc/ctop.toml:2: invalid TOML: "), "{err}");
}

#[test]
fn intervals_must_be_in_range_and_warnings_not_above_errors() {
    assert_eq!(
        parse("slow_interval = 5\n\nproc_interval = 0\n").unwrap_err(),
        r#"/etc/ctop.toml:3: "proc_interval" must be from 0.1 to 86400 seconds (1 day), not 0.0"#
    );
    assert_eq!(
        parse("interval = -0.5\n").unwrap_err(),
        r#"/etc/ctop.toml:1: "interval" must be from 0.1 to 86400 seconds (1 day), not -0.5"#
    );
    assert_eq!(
        parse("[thresholds]\nmemory_warning = 95\n").unwrap_err(),
        r#"/etc/ctop.toml:2: "memory_warning" in [thresholds] 95 is above memory_error (90)"#
    );
    assert_eq!(
        parse("[thresholds]\ncpu_warning = nan\n").unwrap_err(),
        r#"/etc/ctop.toml:2: "cpu_warning" in [thresholds] must be a number ≥ 0, not NaN"#
    );
    // Sub-second intervals are allowed.
    assert_eq!(parse("interval = 0.25\n").unwrap().interval, 0.25);
    // Zero is a number ≥ 0 (a warning at any load at all).
    assert_eq!(parse("[thresholds]\nload_warning = 0\n").unwrap().thresholds.load_warning, 0.0);
}

#[test]
fn every_error_is_one_line() {
    for bad in ["a = ", "[thresholds]\nx = 1", "interval = 'x'", "interval = 0", "x = \"\"\"\n\n"] {
        let err = parse(bad).unwrap_err();
        assert!(!err.contains('\n'), "{err:?}");
    }
}

#[test]
fn the_file_is_looked_for_under_xdg_config_home_then_home() {
    let os = |s: &'static str| Some(OsStr::new(s));
    assert_eq!(config_path(os("/xdg"), os("/root")), Some(PathBuf::from("/xdg/ctop/config.toml")));
    assert_eq!(config_path(None, os("/home/ann")), Some(PathBuf::from("/home/ann/.config/ctop/config.toml")));
    // The XDG spec: a relative or empty XDG_CONFIG_HOME is ignored.
    assert_eq!(config_path(os("rel"), os("/root")), Some(PathBuf::from("/root/.config/ctop/config.toml")));
    assert_eq!(config_path(os(""), os("/root")), Some(PathBuf::from("/root/.config/ctop/config.toml")));
    assert_eq!(config_path(None, None), None);
    assert_eq!(config_path(None, os("")), None);
}

#[test]
fn an_explicit_file_must_exist_and_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let err = Config::load(Some(&missing), &[]).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}: cannot read: ", missing.display())), "{err}");
    assert!(!err.contains('\n'));

    let file = dir.path().join("ctop.toml");
    std::fs::write(&file, "proc_interval = 10\n").unwrap();
    assert_eq!(Config::load(Some(&file), &[]).unwrap().config.proc_interval, 10.0);
    std::fs::write(&file, "\n\nproc_intervl = 10\n").unwrap();
    assert_eq!(
        Config::load(Some(&file), &[]).unwrap_err().to_string(),
        format!("{}:3: unknown key \"proc_intervl\" (did you mean \"proc_interval\"?)", file.display())
    );
}
