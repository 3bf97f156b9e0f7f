//! The event loop. Collection runs on the snapshot's tier threads; this thread sleeps
//! until a key, a signal, an update (the threads wake it) or the moment the ages on
//! screen go stale, folds the updates in (never blocking on the channel), judges the
//! snapshot when it changed, answers keys, and redraws when something changed, a key
//! was pressed, the terminal was resized, or the ages need it. ratatui then writes
//! only the cells that differ, so an idle screen costs a few bytes a second.

use crate::health;
use crate::health::timeline::Timeline;
use crate::history::{Cadence, History, when};
use crate::record::replay::{self, Fed, Player};
use crate::record::writer::taken_at;
use crate::snapshot::{Collectors, Snapshot, Update};
use crate::ui::UiOptions;
use crate::ui::cgroup_order::CgroupSort;
use crate::ui::dashboard;
use crate::ui::playback::Playback;
use crate::ui::screen::{Screen, Times};
use crate::ui::table::Motion;
use crate::ui::terminal::{self, Wake};
use crate::ui::theme::Theme;
use crate::ui::view::{SortBy, View};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long after the last fast-tier update the ages on screen get frames of their own.
const AGES_REFRESH: Duration = Duration::from_millis(950);
/// How long a frame for the ages alone waits for an update that would draw one anyway:
/// the fast tier's updates come once a second at some moment of it, and when that
/// moment is just after the second's turn, a frame at the turn would make two a second.
const UPDATE_GRACE: Duration = Duration::from_millis(100);

/// What a key asks of the loop beyond changing the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    Quit,
    Rescan,
    /// Show the sample this many samples away (`T` −1, `t` +1).
    Step(isize),
    /// Back to the newest moment (`.`).
    Live,
    /// Show the moment typed after `b`.
    Jump(String),
    /// `space` in a replay: pause or resume.
    Pause,
    /// `+` / `-` in a replay: faster (1) or slower (-1).
    Speed(i8),
}

/// Applies one key to the view.
pub fn on_key(view: &mut View, key: KeyEvent) -> Action {
    if key.kind == KeyEventKind::Release {
        return Action::None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Action::Quit;
    }
    if let Some(text) = &mut view.jump {
        match key.code {
            KeyCode::Enter => return Action::Jump(view.jump.take().unwrap_or_default()),
            KeyCode::Esc => view.jump = None,
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if !ctrl => text.push(c),
            _ => {}
        }
        return Action::None;
    }
    view.jump_error = None;
    if view.timeline_open {
        match key.code {
            KeyCode::Esc | KeyCode::Char('e') => view.timeline_open = false,
            KeyCode::Up => view.timeline_offset = view.timeline_offset.saturating_sub(1),
            KeyCode::Down => view.timeline_offset += 1,
            KeyCode::PageUp => view.timeline_offset = view.timeline_offset.saturating_sub(10),
            KeyCode::PageDown => view.timeline_offset += 10,
            KeyCode::Home => view.timeline_offset = 0,
            KeyCode::Char('q') | KeyCode::F(10) => return Action::Quit,
            KeyCode::Char('T') => return Action::Step(-1),
            KeyCode::Char('t') => return Action::Step(1),
            KeyCode::Char('.') | KeyCode::End => return Action::Live,
            _ => {}
        }
        return Action::None;
    }
    if view.filter.editing {
        match key.code {
            KeyCode::Enter => view.filter.editing = false,
            KeyCode::Esc => {
                view.filter.text.clear();
                view.filter.editing = false;
            }
            KeyCode::Backspace => {
                view.filter.text.pop();
            }
            KeyCode::Char(c) if !ctrl => view.filter.text.push(c),
            _ => return Action::None,
        }
        view.filter_changed();
        return Action::None;
    }
    match key.code {
        KeyCode::Char('q') | KeyCode::F(10) => return Action::Quit,
        // Never quits: an incident session must not end on one Esc too many.
        KeyCode::Esc => view.close_topmost(),
        KeyCode::Char('?') | KeyCode::F(1) => view.help = !view.help,
        KeyCode::Char('S') => view.toggle_cgroup_tree(),
        KeyCode::Char('P') if view.cgroups.open => view.cgroups.sort = CgroupSort::Cpu,
        KeyCode::Char('M') if view.cgroups.open => view.cgroups.sort = CgroupSort::Memory,
        KeyCode::Char('I') if view.cgroups.open => view.cgroups.sort = CgroupSort::Io,
        KeyCode::Left if view.cgroups.open => view.cgroups.collapse(),
        KeyCode::Right if view.cgroups.open => view.cgroups.expand(),
        KeyCode::Char('*') if view.cgroups.open => view.cgroups.fold_all(),
        KeyCode::Char('P') => view.sort_by(SortBy::Cpu),
        KeyCode::Char('M') => view.sort_by(SortBy::Memory),
        KeyCode::Char('I') => view.sort_by(SortBy::Io),
        KeyCode::Char('<') => view.step_sort(-1),
        KeyCode::Char('>') => view.step_sort(1),
        KeyCode::Char('r') => return Action::Rescan,
        KeyCode::Char('K') => view.toggle_kernel_threads(),
        KeyCode::Char('T') => return Action::Step(-1),
        KeyCode::Char('t') => return Action::Step(1),
        KeyCode::Char('.') => return Action::Live,
        // As in atop and below: End is the newest moment. A table always has focus
        // here, so End goes live while the past is shown and scrolls the table when live.
        KeyCode::End if view.moment.is_some() => return Action::Live,
        KeyCode::Char('b') => view.jump = Some(String::new()),
        KeyCode::Char(' ') => return Action::Pause,
        KeyCode::Char('+') => return Action::Speed(1),
        KeyCode::Char('-') => return Action::Speed(-1),
        KeyCode::Char('e') => {
            view.timeline_open = true;
            view.timeline_offset = 0;
        }
        KeyCode::Char('/') => view.filter.editing = true,
        KeyCode::Tab => view.move_focus(1),
        KeyCode::BackTab => view.move_focus(-1),
        KeyCode::Up => view.scroll_focused(Motion::Up),
        KeyCode::Down => view.scroll_focused(Motion::Down),
        KeyCode::PageUp => view.scroll_focused(Motion::PageUp),
        KeyCode::PageDown => view.scroll_focused(Motion::PageDown),
        KeyCode::Home => view.scroll_focused(Motion::Home),
        KeyCode::End => view.scroll_focused(Motion::End),
        _ => {}
    }
    Action::None
}

/// Applies one mouse report to the view: a left click focuses the table under it, the
/// wheel scrolls it. Anything else is not worth a frame.
pub fn on_mouse(view: &mut View, mouse: MouseEvent) -> bool {
    let at = Position::new(mouse.column, mouse.row);
    match mouse.kind {
        MouseEventKind::Down(event::MouseButton::Left) => view.click(at),
        MouseEventKind::ScrollUp => view.wheel(at, Motion::Up),
        MouseEventKind::ScrollDown => view.wheel(at, Motion::Down),
        _ => return false,
    }
    true
}

pub fn run(source: crate::source::Source, mut options: UiOptions, theme: Theme) -> anyhow::Result<()> {
    let mut snapshot = Snapshot::with_identity(&source);
    snapshot.config_warnings = options.config_warnings.clone();
    // A replay feeds the same state as the collectors do, from a recording.
    let mut replay = options.replay.take();
    let collectors = replay.is_none().then(|| Collectors::spawn(source, options.intervals, terminal::wake));
    let mut findings = health::judge(&snapshot, &options.thresholds);
    let mut view = View::default();
    view.kernel_threads = options.show_kernel_threads;
    let mut taken = terminal::take()?;
    if options.sandbox {
        // Should the sandbox fail, ctop runs without it and the help screen says "off".
        // (crossterm's input needs nothing it refuses: it reads stdin, a terminal here,
        // and makes a socket pair for SIGWINCH.)
        let _ = crate::sandbox::install();
    }
    let i = options.intervals;
    let cadence = Cadence { window: options.history, fast: i.fast, slow: i.slow, processes: i.processes };
    let mut history = History::new(cadence);
    let mut timeline = Timeline::default();
    let mut past: Option<Past> = None;
    let mut replay = replay.take().map(|(mut player, shown)| {
        (history, timeline, snapshot, findings) = (shown.history, shown.timeline, shown.snapshot, shown.findings);
        let playback = Playback::new(&mut player);
        (player, playback)
    });

    let mut dirty = true;
    let mut shown_second = 0;
    let mut last_fast_update = Instant::now();
    let mut ages_due: Option<Instant> = None;
    loop {
        let mut changed = false;
        let mut last_at = 0;
        // Never blocks: a tier that is busy (a long process scan) just has not sent yet.
        if let Some((player, playback)) = replay.as_mut() {
            let fed = Fed {
                history: &mut history,
                timeline: &mut timeline,
                snapshot: &mut snapshot,
                findings: &mut findings,
            };
            dirty |= playback.tick(player, fed);
        }
        while let Some(Ok(update)) = collectors.as_ref().map(|c| c.updates.try_recv()) {
            // The fast tier's updates draw a frame each; the slow tier's and the process
            // table's are shown by the next frame (that update's, or the ages' within a
            // second) rather than costing a frame of their own.
            if matches!(update, Update::Fast(_)) {
                dirty = true;
                last_fast_update = Instant::now();
            }
            let at = taken_at(&update);
            last_at = at;
            history.record(&update, at);
            if let Some(recorder) = &options.recorder {
                recorder.record(&update, at);
            }
            snapshot.apply(update);
            changed = true;
        }
        if changed {
            snapshot.recording_problem = options.recorder.as_ref().and_then(|r| r.problem());
            findings = health::judge(&snapshot, &options.thresholds);
            timeline.observe(epoch_ms(), &snapshot, &findings);
            if let Some(recorder) = &options.recorder {
                recorder.findings(&findings, last_at);
            }
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        if now.as_secs() != shown_second {
            shown_second = now.as_secs();
            // Only ages ("scan 12s ago", "hung 3s") move with the wall clock; the
            // header's time comes with each update. A frame is the main cost of an idle
            // ctop, so a second's turn draws one only when no fast update has come in a
            // second, and not before an update just behind it has had the chance.
            if last_fast_update.elapsed() >= AGES_REFRESH {
                ages_due.get_or_insert(Instant::now() + UPDATE_GRACE);
            }
        }
        dirty |= ages_due.is_some_and(|due| Instant::now() >= due);
        if dirty {
            let newest_ms = history.span().map_or_else(epoch_ms, |(_, newest)| newest);
            // One path for live and past: a past moment is a snapshot history gives back,
            // judged by the same rules, drawn by the same panels.
            let past = match view.moment {
                Some(at) => {
                    // A replay's past moment shows the findings recorded then.
                    let recorded = replay.as_ref().and_then(|(player, _)| player.findings_at(at));
                    Some(Past::at(&mut past, at, &history, &snapshot, &options.thresholds, recorded))
                }
                None => None,
            };
            let (shown, shown_findings) = past.map_or((&snapshot, &findings), |p| (&p.snapshot, &p.findings));
            view.replay = replay.as_mut().map(|(player, playback)| {
                playback.banner(view.moment.unwrap_or(newest_ms), history.utc_offset_s(), player.at_end())
            });
            let screen = Screen { snapshot: shown, findings: shown_findings, theme, now: Instant::now() };
            let times = Times {
                history: &history,
                timeline: &timeline,
                thresholds: &options.thresholds,
                shown_ms: view.moment.unwrap_or(newest_ms),
                newest_ms,
                window_ms: replay.as_ref().map_or(options.history.as_millis() as i64, |(player, _)| {
                    crate::ui::playback::graph_window_ms(player, options.history, newest_ms)
                }),
            };
            taken.terminal.draw(|buf| dashboard::draw_on(buf, &screen, Some(&times), &mut view))?;
            dirty = false;
            ages_due = None;
        }

        let sleep = match ages_due {
            Some(due) => due.saturating_duration_since(Instant::now()),
            None => until_ages_are_stale(now, last_fast_update.elapsed()),
        };
        let sleep = match replay.as_mut().and_then(|(player, playback)| playback.until_next(player)) {
            Some(next_sample) => sleep.min(next_sample),
            None => sleep,
        };
        match terminal::wait(sleep) {
            Wake::Stop => return Ok(()),
            Wake::Resized => {
                taken.follow_resize()?;
                // crossterm saw the SIGWINCH too: take its resize event now. Left pending,
                // it would come out of crossterm's edge-triggered epoll in one batch with
                // the next key and hide that key's readiness: stdin would stay readable
                // with crossterm reporting nothing, and this loop would spin.
                while let Ok(true) = event::poll(Duration::ZERO) {
                    if let Ok(Event::Key(key)) = event::read() {
                        let action = take_key(&mut view, collectors.as_ref(), &history, key);
                        let fed = Fed {
                            history: &mut history,
                            timeline: &mut timeline,
                            snapshot: &mut snapshot,
                            findings: &mut findings,
                        };
                        if replay_key(&mut replay, &action, &mut view, fed) == Action::Quit {
                            return Ok(());
                        }
                    }
                }
                dirty = true;
                continue;
            }
            Wake::Timeout => continue,
            Wake::Input => {}
        }
        // Everything crossterm can parse from what was typed (several keys may have
        // come in one read). An error reading the terminal means it is gone: stop.
        loop {
            match event::poll(Duration::ZERO) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => return Ok(()),
            }
            let Ok(event) = event::read() else { return Ok(()) };
            match event {
                Event::Key(key) => {
                    let action = take_key(&mut view, collectors.as_ref(), &history, key);
                    let fed = Fed {
                        history: &mut history,
                        timeline: &mut timeline,
                        snapshot: &mut snapshot,
                        findings: &mut findings,
                    };
                    if replay_key(&mut replay, &action, &mut view, fed) == Action::Quit {
                        return Ok(());
                    }
                }
                Event::Mouse(mouse) if on_mouse(&mut view, mouse) => {}
                Event::Resize(..) => taken.follow_resize()?,
                _ => continue,
            }
            dirty = true;
        }
    }
}

fn epoch_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The frame of a past moment, kept while that moment is shown (history only grows at
/// its newest end, so the frame does not change).
struct Past {
    at_ms: i64,
    snapshot: Snapshot,
    findings: health::Findings,
}

impl Past {
    fn at<'a>(
        cache: &'a mut Option<Past>,
        at_ms: i64,
        history: &History,
        live: &Snapshot,
        thresholds: &health::Thresholds,
        recorded: Option<&health::Findings>,
    ) -> &'a Past {
        if cache.as_ref().is_none_or(|p| p.at_ms != at_ms) {
            let snapshot = history.snapshot_at(at_ms, live).unwrap_or_else(|| live.clone());
            let findings = recorded.cloned().unwrap_or_else(|| health::judge(&snapshot, thresholds));
            *cache = Some(Past { at_ms, snapshot, findings });
        }
        cache.as_ref().expect("just filled")
    }
}

/// `T`/`t`: the sample `by` away from the one shown; stepping past the newest is live.
fn step(view: &mut View, history: &History, by: isize) {
    let Some((_, newest)) = history.span() else { return };
    let from = view.moment.unwrap_or(newest);
    view.moment = history.step(from, by).filter(|&at| at < newest);
}

/// `b`: the moment typed, as the sample shown at it; the newest or later is live.
fn jump(view: &mut View, history: &History, text: &str) {
    let Some((oldest, newest)) = history.span() else { return };
    match when::parse(text, newest.div_euclid(1000), history.utc_offset_s()) {
        Ok(at) => {
            let at_ms = at.saturating_mul(1000).max(oldest);
            if at.saturating_mul(1000) < oldest {
                let start = when::local(oldest.div_euclid(1000), history.utc_offset_s(), "%H:%M:%S");
                view.jump_error = Some(format!("history starts at {start}: showing that"));
            }
            view.moment = history.sample_time(at_ms).filter(|&s| s < newest);
        }
        Err(why) => view.jump_error = Some(why),
    }
}

/// A key's effect on the view, a rescan asked of the collectors, a moment looked up
/// in history; what it asked.
fn take_key(view: &mut View, collectors: Option<&Collectors>, history: &History, key: KeyEvent) -> Action {
    let action = on_key(view, key);
    match &action {
        Action::Rescan => {
            if let Some(c) = collectors {
                c.rescan_processes();
            }
        }
        Action::Step(by) => step(view, history, *by),
        Action::Live => view.moment = None,
        Action::Jump(text) => jump(view, history, text),
        Action::Quit | Action::None | Action::Pause | Action::Speed(_) => {}
    }
    action
}

/// What a key does to a replay: pause, speed, and a jump anywhere in the recording
/// (read again from the moment typed, not only within the history loaded); the action.
fn replay_key(replay: &mut Option<(Player, Playback)>, action: &Action, view: &mut View, fed: Fed) -> Action {
    let Some((player, playback)) = replay.as_mut() else { return action.clone() };
    match action {
        Action::Pause => playback.toggle_pause(),
        Action::Speed(by) => playback.change_speed(*by),
        Action::Jump(text) => {
            let Some((_, last)) = player.recording().span() else { return action.clone() };
            match replay::parse_at(text, last, fed.history.utc_offset_s()) {
                Ok(at) => {
                    let (first, last) = player.recording().span().unwrap_or((at, at));
                    playback.jump(at.clamp(first, last), player, fed);
                    view.moment = None;
                    view.jump_error = None;
                }
                Err(why) => view.jump_error = Some(why),
            }
        }
        _ => {}
    }
    action.clone()
}

/// How long the loop may sleep when nothing else wakes it: until the first turn of a
/// second at least [`AGES_REFRESH`] after the last fast update (`now` is since the epoch).
fn until_ages_are_stale(now: Duration, since_last_update: Duration) -> Duration {
    let earliest = now + AGES_REFRESH.saturating_sub(since_last_update);
    let turn = Duration::from_secs(earliest.as_secs() + u64::from(earliest.subsec_nanos() > 0));
    turn - now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::view::Focus;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_loop_sleeps_until_the_first_second_turn_after_the_ages_went_stale() {
        let ms = Duration::from_millis;
        let now = Duration::from_secs(100) + ms(300);
        // Updated just now: the turn at 101 s is only 700 ms away, too soon; 102 s it is.
        assert_eq!(until_ages_are_stale(now, ms(0)), ms(1700));
        // Updated 400 ms ago: stale from 100.85 s, so the turn at 101 s.
        assert_eq!(until_ages_are_stale(now, ms(400)), ms(700));
        // Long stale: the next turn.
        assert_eq!(until_ages_are_stale(now, ms(5000)), ms(700));
        assert_eq!(until_ages_are_stale(Duration::from_secs(7), ms(5000)), ms(0));
    }

    #[test]
    fn quit_keys_quit_and_esc_only_closes_what_is_open() {
        let mut view = View::default();
        assert_eq!(on_key(&mut view, key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(on_key(&mut view, key(KeyCode::F(10))), Action::Quit);
        assert_eq!(on_key(&mut view, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Action::Quit);
        on_key(&mut view, key(KeyCode::F(1)));
        assert!(view.help);
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::None);
        assert!(!view.help);
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::None, "with nothing open, Esc does nothing");
    }

    #[test]
    fn the_filter_takes_every_character_until_enter_or_esc() {
        let mut view = View::default();
        on_key(&mut view, key(KeyCode::Char('/')));
        for c in "qap".chars() {
            assert_eq!(on_key(&mut view, key(KeyCode::Char(c))), Action::None);
        }
        on_key(&mut view, key(KeyCode::Backspace));
        on_key(&mut view, key(KeyCode::Enter));
        assert_eq!(view.filter.text, "qa");
        assert!(!view.filter.editing);
        // Kept after Enter; Esc clears it, and the next does nothing.
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::None);
        assert!(view.filter.text.is_empty());
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::None);
        on_key(&mut view, key(KeyCode::Char('/')));
        on_key(&mut view, key(KeyCode::Char('x')));
        on_key(&mut view, key(KeyCode::Esc));
        assert!(view.filter.text.is_empty() && !view.filter.editing);
    }

    #[test]
    fn s_swaps_in_the_cgroup_tree_which_sorts_folds_and_closes_on_esc() {
        let mut view = View::default();
        view.move_focus(1);
        on_key(&mut view, key(KeyCode::Char('S')));
        assert!(view.cgroups.open);
        assert_eq!(view.focus, Focus::Processes, "the tree takes the process table's place and focus");
        on_key(&mut view, key(KeyCode::Char('I')));
        assert_eq!(view.cgroups.sort, CgroupSort::Io);
        on_key(&mut view, key(KeyCode::Char('M')));
        assert_eq!((view.cgroups.sort, view.sort), (CgroupSort::Memory, SortBy::Cpu), "the processes keep theirs");
        // ← → fold the selected branch (as drawn last: cgroup_order's tests), * every branch.
        let row = |path: &str, depth| crate::ui::cgroup_order::DrawnRow {
            path: path.into(),
            depth,
            has_children: depth == 0,
            folded: false,
        };
        view.cgroups.drawn = vec![row("/a.slice", 0), row("/a.slice/b.service", 1)];
        on_key(&mut view, key(KeyCode::Down));
        assert_eq!(view.cgroups.selected.as_deref(), Some("/a.slice/b.service"));
        on_key(&mut view, key(KeyCode::Left));
        assert_eq!(view.cgroups.selected.as_deref(), Some("/a.slice"), "from a leaf to its parent");
        on_key(&mut view, key(KeyCode::Left));
        assert!(view.cgroups.is_folded("/a.slice"));
        on_key(&mut view, key(KeyCode::Char('*')));
        assert!(view.cgroups.all_folded);
        on_key(&mut view, key(KeyCode::Char('*')));
        assert!(!view.cgroups.all_folded);
        // Esc: first the filter, then the tree, then nothing.
        on_key(&mut view, key(KeyCode::Char('/')));
        on_key(&mut view, key(KeyCode::Char('x')));
        on_key(&mut view, key(KeyCode::Enter));
        on_key(&mut view, key(KeyCode::Esc));
        assert!(view.filter.text.is_empty() && view.cgroups.open);
        on_key(&mut view, key(KeyCode::Esc));
        assert!(!view.cgroups.open);
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::None);
    }

    #[test]
    fn end_goes_back_to_live_from_the_past_and_scrolls_the_table_when_live() {
        let mut view = View::default();
        view.moment = Some(1_795_953_600_000);
        assert_eq!(on_key(&mut view, key(KeyCode::End)), Action::Live);
        view.moment = None;
        assert_eq!(on_key(&mut view, key(KeyCode::End)), Action::None, "live: the focused table's end");
        view.timeline_open = true;
        assert_eq!(on_key(&mut view, key(KeyCode::End)), Action::Live, "the timeline has no table to scroll");
    }

    #[test]
    fn sort_rescan_and_focus_keys() {
        let mut view = View::default();
        on_key(&mut view, key(KeyCode::Char('M')));
        assert_eq!(view.sort, SortBy::Memory);
        on_key(&mut view, key(KeyCode::Char('I')));
        assert_eq!(view.sort, SortBy::Io);
        on_key(&mut view, key(KeyCode::Char('P')));
        assert_eq!(view.sort, SortBy::Cpu);
        assert_eq!(on_key(&mut view, key(KeyCode::Char('r'))), Action::Rescan);
        on_key(&mut view, key(KeyCode::Tab));
        assert_eq!(view.focus, Focus::Filesystems);
        on_key(&mut view, key(KeyCode::BackTab));
        assert_eq!(view.focus, Focus::Processes);
    }
}
