//! Stepping back in time, end to end: the real ctop in tmux, the CPU made busy by spinning
//! threads, then `T` until the past is shown — the header says PAST in reverse video with
//! its epoch, the CPU line is the one the live screen showed at that epoch, and the disk
//! I/O table is there as it was (not emptied) — and `.` back to live, and `End` too.

mod tmux_support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};
use tmux_support::{Tmux, epoch_on};

/// The CPU figures and load averages of the screen (the GHz after them come from the
/// CPU model, which history does not keep per sample).
fn cpu_line(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.starts_with("CPU "))?;
    Some(line.split(" / ").next()?.to_string())
}

/// The count in the Disk I/O table's title.
fn disk_count(screen: &str) -> Option<String> {
    screen.lines().find_map(|l| Some(l.trim_start().strip_prefix("Disk I/O ")?.split(' ').next()?.to_string()))
}

#[test]
fn t_steps_back_to_the_figures_of_then_and_dot_comes_back() {
    let Some(tmux) = Tmux::start_with("history-step", 120, 40, "|--interval 1") else {
        eprintln!("skipped: tmux is not installed");
        return;
    };
    let first = tmux
        .wait_for("the first CPU figures", |s| cpu_line(s).is_some_and(|l| l.contains('%')) && epoch_on(s).is_some());
    let live_disks = disk_count(&first);
    assert!(live_disks.as_deref().is_some_and(|n| n != "0"), "disks with I/O since boot: {first}");

    // Busy loops for a few seconds, the live screen noted for every epoch it showed.
    let stop = Arc::new(AtomicBool::new(false));
    let spinners: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                }
                x
            })
        })
        .collect();
    let mut seen: HashMap<i64, String> = HashMap::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(8) {
        if started.elapsed() > Duration::from_secs(5) {
            stop.store(true, Ordering::Relaxed);
        }
        let screen = tmux.screen();
        if let (Some(epoch), Some(cpu)) = (epoch_on(&screen), cpu_line(&screen)) {
            seen.entry(epoch).or_insert(cpu);
        }
        sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    for s in spinners {
        s.join().unwrap();
    }
    let live_epoch = *seen.keys().max().unwrap();

    // Four samples back: a moment of the busy loops (they stopped about 3 s ago).
    for _ in 0..4 {
        tmux.run(&["send-keys", "-t", "ctop", "T"]);
        sleep(Duration::from_millis(200));
    }
    let past = tmux.wait_for("the PAST header", |s| s.lines().nth(1).is_some_and(|l| l.starts_with(" PAST ")));
    let banner = past.lines().nth(1).unwrap().to_string();
    assert!(banner.contains("ago · . for live"), "{banner}");
    let past_epoch = epoch_on(&banner).expect("the past epoch");
    assert!(past_epoch < live_epoch, "{past_epoch} is not before {live_epoch}");
    let styled = tmux.styled_screen();
    let banner_styled = styled.lines().nth(1).unwrap();
    assert!(banner_styled.starts_with("\x1b[1;7m"), "bold reverse video: {banner_styled:?}");
    let colours = banner_styled.replace("\x1b[39m", "");
    assert!(!colours.contains("\x1b[3") && !colours.contains("\x1b[9"), "in one colour: {banner_styled:?}");
    let then =
        seen.get(&past_epoch).unwrap_or_else(|| panic!("the live screen never showed epoch {past_epoch}: {seen:?}"));
    assert_eq!(cpu_line(&past).as_deref(), Some(then.as_str()), "the past shows the figures of then");
    assert_eq!(disk_count(&past), live_disks, "the past keeps its disk I/O table");

    // Collection went on: a second look later is still the same moment.
    sleep(Duration::from_millis(1500));
    assert_eq!(epoch_on(tmux.screen().lines().nth(1).unwrap()), Some(past_epoch));

    tmux.run(&["send-keys", "-t", "ctop", "."]);
    let live = tmux.wait_for("live again", |s| s.lines().nth(1).is_some_and(|l| !l.contains("PAST")));
    assert!(epoch_on(&live).unwrap() > live_epoch, "{live}");
    // End comes back to live from the past too.
    tmux.run(&["send-keys", "-t", "ctop", "T"]);
    tmux.wait_for("the past again", |s| s.lines().nth(1).is_some_and(|l| l.starts_with(" PAST ")));
    tmux.run(&["send-keys", "-t", "ctop", "End"]);
    tmux.wait_for("live after End", |s| s.lines().nth(1).is_some_and(|l| !l.contains("PAST")));
    tmux.run(&["send-keys", "-t", "ctop", "q"]);
    tmux.assert_given_back();
}
