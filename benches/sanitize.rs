//! The display sanitizer's cost on what it meets every frame: clean names (borrowed,
//! nothing copied) and command lines, and a hostile name (copied with replacements).
//! A 250×70 frame cleans a few hundred cells and segments.

use ctop::sanitize::display;

fn main() {
    divan::main();
}

#[divan::bench(args = [
    "systemd-journald",
    "/usr/lib/jvm/java-17-openjdk-amd64/bin/java -Xms4g -Xmx4g -XX:+UseG1GC -jar /opt/app/server.jar --spring.profiles.active=prod",
    "nginx: worker process ünïcödé 日本",
])]
fn clean(text: &str) -> usize {
    display(divan::black_box(text)).len()
}

/// Not among the arguments above: divan would print it raw to the terminal.
#[divan::bench]
fn hostile() -> usize {
    display(divan::black_box("\u{1b}[2J\u{1b}]0;PWNED\u{7}")).len()
}
