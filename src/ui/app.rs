//! The event loop. Collection runs on the snapshot's tier threads; this thread sleeps
//! until a key, a signal, an update (the threads wake it) or the moment the ages on
//! screen go stale, folds the updates in (never blocking on the channel), judges the
//! snapshot when it changed, answers keys, and redraws when something changed, a key
//! was pressed, the terminal was resized, or the ages need it. ratatui then writes
//! only the cells that differ, so an idle screen costs a few bytes a second.

use crate::health;
use crate::snapshot::{Collectors, Snapshot, Update};
use crate::ui::UiOptions;
use crate::ui::dashboard;
use crate::ui::screen::Screen;
use crate::ui::table::Motion;
use crate::ui::terminal::{self, Wake};
use crate::ui::theme::Theme;
use crate::ui::view::{SortBy, View};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long after the last fast-tier update the ages on screen get frames of their own.
const AGES_REFRESH: Duration = Duration::from_millis(950);
/// How long a frame for the ages alone waits for an update that would draw one anyway:
/// the fast tier's updates come once a second at some moment of it, and when that
/// moment is just after the second's turn, a frame at the turn would make two a second.
const UPDATE_GRACE: Duration = Duration::from_millis(100);

/// What a key asks of the loop beyond changing the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    None,
    Quit,
    Rescan,
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
        KeyCode::Esc if view.help => view.help = false,
        KeyCode::Esc if !view.filter.text.is_empty() => {
            view.filter.text.clear();
            view.filter_changed();
        }
        KeyCode::Esc => return Action::Quit,
        KeyCode::Char('?') | KeyCode::F(1) => view.help = !view.help,
        KeyCode::Char('P') => view.sort_by(SortBy::Cpu),
        KeyCode::Char('M') => view.sort_by(SortBy::Memory),
        KeyCode::Char('r') => return Action::Rescan,
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

pub fn run(source: crate::source::Source, options: UiOptions, theme: Theme) -> anyhow::Result<()> {
    let mut snapshot = Snapshot::with_identity(&source);
    snapshot.config_warnings = options.config_warnings.clone();
    let collectors = Collectors::spawn(source, options.intervals, terminal::wake);
    let mut findings = health::judge(&snapshot, &options.thresholds);
    let mut view = View::default();
    let mut taken = terminal::take()?;
    if options.sandbox {
        // Should the sandbox fail, ctop runs without it and the help screen says "off".
        // (crossterm's input needs nothing it refuses: it reads stdin, a terminal here,
        // and makes a socket pair for SIGWINCH.)
        let _ = crate::sandbox::install();
    }

    let mut dirty = true;
    let mut shown_second = 0;
    let mut last_fast_update = Instant::now();
    let mut ages_due: Option<Instant> = None;
    loop {
        let mut changed = false;
        // Never blocks: a tier that is busy (a long process scan) just has not sent yet.
        while let Ok(update) = collectors.updates.try_recv() {
            // The fast tier's updates draw a frame each; the slow tier's and the process
            // table's are shown by the next frame (that update's, or the ages' within a
            // second) rather than costing a frame of their own.
            if matches!(update, Update::Fast(_)) {
                dirty = true;
                last_fast_update = Instant::now();
            }
            snapshot.apply(update);
            changed = true;
        }
        if changed {
            findings = health::judge(&snapshot, &options.thresholds);
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
            let screen = Screen { snapshot: &snapshot, findings: &findings, theme, now: Instant::now() };
            taken.terminal.draw(|frame| dashboard::draw(frame, &screen, &mut view))?;
            dirty = false;
            ages_due = None;
        }

        let sleep = match ages_due {
            Some(due) => due.saturating_duration_since(Instant::now()),
            None => until_ages_are_stale(now, last_fast_update.elapsed()),
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
                    if let Ok(Event::Key(key)) = event::read()
                        && take_key(&mut view, &collectors, key) == Action::Quit
                    {
                        return Ok(());
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
                Event::Key(key) if take_key(&mut view, &collectors, key) == Action::Quit => return Ok(()),
                Event::Key(_) => {}
                Event::Resize(..) => taken.follow_resize()?,
                _ => continue,
            }
            dirty = true;
        }
    }
}

/// A key's effect on the view, and a rescan asked of the collectors; what it asked.
fn take_key(view: &mut View, collectors: &Collectors, key: KeyEvent) -> Action {
    let action = on_key(view, key);
    if action == Action::Rescan {
        collectors.rescan_processes();
    }
    action
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
    fn quit_keys_quit_and_esc_closes_overlays_first() {
        let mut view = View::default();
        assert_eq!(on_key(&mut view, key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(on_key(&mut view, key(KeyCode::F(10))), Action::Quit);
        assert_eq!(on_key(&mut view, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Action::Quit);
        on_key(&mut view, key(KeyCode::F(1)));
        assert!(view.help);
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::None);
        assert!(!view.help);
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::Quit);
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
        // Kept after Enter; a first Esc clears it, the next quits.
        assert_eq!(on_key(&mut view, key(KeyCode::Esc)), Action::None);
        assert!(view.filter.text.is_empty());
        on_key(&mut view, key(KeyCode::Char('/')));
        on_key(&mut view, key(KeyCode::Char('x')));
        on_key(&mut view, key(KeyCode::Esc));
        assert!(view.filter.text.is_empty() && !view.filter.editing);
    }

    #[test]
    fn sort_rescan_and_focus_keys() {
        let mut view = View::default();
        on_key(&mut view, key(KeyCode::Char('M')));
        assert_eq!(view.sort, SortBy::Memory);
        on_key(&mut view, key(KeyCode::Char('P')));
        assert_eq!(view.sort, SortBy::Cpu);
        assert_eq!(on_key(&mut view, key(KeyCode::Char('r'))), Action::Rescan);
        on_key(&mut view, key(KeyCode::Tab));
        assert_eq!(view.focus, Focus::Filesystems);
        on_key(&mut view, key(KeyCode::BackTab));
        assert_eq!(view.focus, Focus::Processes);
    }
}
