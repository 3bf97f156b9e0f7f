//! The man page and the shell completions in `packaging/` are generated from the clap
//! definition (`ctop::cli::Args`), the help screen's key table and the configuration's
//! defaults, so they cannot drift: these tests fail when a checked-in file differs from
//! what the code generates now. `CTOP_BLESS=1 cargo test --test packaging_docs` writes
//! them anew after a change to a flag, a key or a default.
//!
//! Also: the generated page renders without a groff warning, and bash completes
//! `ctop --ro<TAB>` with the generated script.

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn packaging(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging").join(file)
}

/// The checked-in `file` must be `generated`; with CTOP_BLESS=1 it is written instead.
fn check_or_bless(file: &str, generated: &[u8]) {
    let path = packaging(file);
    if std::env::var_os("CTOP_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "packaging/{file} is not what the code generates now: run `CTOP_BLESS=1 cargo test --test packaging_docs` and commit it"
    );
}

fn section(roff: &mut Roff, title: &str) {
    roff.control("SH", [title]);
}

/// A tagged paragraph: `.TP`, the term in bold, then its text.
fn item(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", []).text([bold(term)]).text([roman(text)]);
}

fn paragraph(roff: &mut Roff, text: &str) {
    roff.control("PP", []).text([roman(text)]);
}

fn man_page() -> Vec<u8> {
    let man = Man::new(ctop::cli::Args::command()).date("").source(concat!("ctop ", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();

    let mut roff = Roff::new();
    section(&mut roff, "DESCRIPTION");
    paragraph(
        &mut roff,
        "ctop is a single-view troubleshooting dashboard: one screen shows CPU, load, memory, every \
         filesystem and its inodes, every network interface with its cable, speed, addresses and \
         rates, listening ports, the top and the most repeated processes, the distribution, kernel, \
         VM, container or cloud, and the local and epoch time. Problems are yellow (a warning) or \
         red (an error), listed worst first at the top.",
    );
    paragraph(
        &mut roff,
        "ctop reads /proc, /sys and /etc itself. It never runs another program, writes nothing, \
         and once set up it sandboxes itself. A filesystem that does not answer (a dead NFS server) \
         is shown as not responding; ctop does not hang on it. The terminal's size decides how much \
         is shown: at 80x24 every area is there in compact form.",
    );
    roff.to_writer(&mut out).unwrap();

    man.render_options_section(&mut out).unwrap();

    let mut roff = Roff::new();
    section(&mut roff, "KEYS");
    paragraph(&mut roff, "In the dashboard (the same list as its help screen, ? or F1):");
    for (key, what) in ctop::ui::help::KEYS {
        item(&mut roff, key, what);
    }

    section(&mut roff, "COLOURS AND THRESHOLDS");
    paragraph(
        &mut roff,
        "Yellow is a warning, red an error; a ! (warning) or !! (error) stands beside each, so the \
         meaning survives without colour and in --once. Only the 16 basic ANSI colours are used. \
         Every threshold is a key of the configuration file; these are the defaults, as \
         ctop --print-config prints them:",
    );
    roff.control("PP", []).control("nf", []);
    for line in ctop::config::Config::default_toml().lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);

    section(&mut roff, "FILES");
    item(
        &mut roff,
        "$XDG_CONFIG_HOME/ctop/config.toml",
        "The configuration file (by default ~/.config/ctop/config.toml). Every key is optional. \
         An unreadable default location is a warning and the defaults are used; a file given with \
         --config that cannot be read is an error.",
    );
    item(
        &mut roff,
        "/usr/lib/systemd/system/ctop-openmetrics.service, ctop-openmetrics.timer",
        "Write ctop --openmetrics to /var/lib/prometheus/node-exporter/ctop.prom every minute, \
         for node_exporter's textfile collector.",
    );

    section(&mut roff, "EXIT STATUS");
    item(&mut roff, "0", "Fine.");
    item(&mut roff, "1", "ctop cannot run here: not a terminal for the dashboard, --root not a directory.");
    item(&mut roff, "2", "Bad arguments or a bad configuration file (one line on standard error says which).");

    section(&mut roff, "ENVIRONMENT");
    item(&mut roff, "NO_COLOR", "Set to anything non-empty: no colours with --color auto (the default).");
    item(&mut roff, "XDG_CONFIG_HOME", "Where the configuration directory is (default ~/.config).");
    item(&mut roff, "HOME", "Used for the configuration path when XDG_CONFIG_HOME is unset.");

    section(&mut roff, "EXAMPLES");
    for (command, what) in [
        ("ctop", "The dashboard."),
        ("ctop --once > incident.txt", "A plain-text snapshot, 80 columns, for an incident note."),
        ("ctop --json | jq .findings", "What is wrong, for a script."),
        ("ctop --openmetrics", "The numbers and the findings for Prometheus."),
        ("ctop --root /mnt/image --once", "The distribution, hostname and kernel of a mounted disk image."),
        ("ctop --print-config > ~/.config/ctop/config.toml", "Start a configuration file from the defaults."),
    ] {
        roff.control("TP", []).text([bold(command)]).text([roman(what)]);
    }

    section(&mut roff, "SEE ALSO");
    roff.text([italic("top"), roman("(1), "), italic("htop"), roman("(1), "), italic("df"), roman("(1), ")]).text([
        italic("ss"),
        roman("(8), "),
        italic("ip"),
        roman("(8), "),
        italic("systemd-detect-virt"),
        roman("(1)"),
    ]);
    roff.to_writer(&mut out).unwrap();

    man.render_version_section(&mut out).unwrap();
    out
}

fn completion(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut ctop::cli::Args::command(), "ctop", &mut out);
    out
}

#[test]
fn the_man_page_is_current() {
    check_or_bless("ctop.1", &man_page());
}

#[test]
fn the_completions_are_current() {
    check_or_bless("completions/ctop.bash", &completion(Shell::Bash));
    check_or_bless("completions/_ctop", &completion(Shell::Zsh));
    check_or_bless("completions/ctop.fish", &completion(Shell::Fish));
}

#[test]
fn the_man_page_renders_without_warnings() {
    let groff = Command::new("groff").args(["-ww", "-z", "-man"]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let Ok(mut groff) = groff else {
        eprintln!("skipped: groff is not installed (Debian package groff-base)");
        return;
    };
    groff.stdin.take().unwrap().write_all(&man_page()).unwrap();
    let out = groff.wait_with_output().unwrap();
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && warnings.is_empty(), "groff -ww: {warnings}");
}

#[test]
fn bash_completes_long_flags_from_the_script() {
    let script = String::from_utf8(completion(Shell::Bash)).unwrap()
        + "\nCOMP_WORDS=(ctop --ro); COMP_CWORD=1; _ctop ctop --ro ctop; printf '%s\\n' \"${COMPREPLY[@]}\"";
    let out = Command::new("bash").args(["--norc", "--noprofile", "-c", &script]).output().unwrap();
    let completed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(completed, "--root\n", "ctop --ro<TAB>");
}
