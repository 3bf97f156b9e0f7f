//! Replay's clock (`--replay`): where the recording's head is, whether it plays
//! (`space` pauses and resumes) and how fast (`+`/`-`: 1× to 64×), and the line the
//! header shows for it.

use crate::history::when;
use crate::record::replay::{Fed, Filling, Player};
use std::time::{Duration, Instant};

const FASTEST: u32 = 64;
/// The shortest time a replay's graphs cover.
const MIN_GRAPH_MS: i64 = 60_000;

/// The time a replay's graphs cover up to `newest_ms`: the history window, or what the
/// recording holds before `newest_ms` when that is less (a two-minute recording is
/// drawn over two minutes, not over an hour of which it fills the last thirtieth).
pub fn graph_window_ms(player: &Player, window: Duration, newest_ms: i64) -> i64 {
    let window = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let recorded = player.recording().span().map_or(window, |(first, _)| newest_ms - first);
    window.min(recorded.max(MIN_GRAPH_MS))
}

pub struct Playback {
    pub paused: bool,
    pub speed: u32,
    /// The recording's time (epoch ms) the head had at `since`.
    head_ms: i64,
    since: Instant,
    /// The history window of the last jump, being played by another thread.
    filling: Option<Filling>,
}

impl Playback {
    /// Playing at 1× from the player's head, its history window filled in the
    /// background if it was opened with only the recent part ([`Player::fill`]).
    pub fn new(player: &mut Player) -> Self {
        let head_ms = player.head_ms().unwrap_or_default();
        let filling = Some(player.fill(crate::ui::terminal::wake));
        Playback { paused: false, speed: 1, head_ms, since: Instant::now(), filling }
    }

    /// The recording's time now.
    pub fn head_ms(&self) -> i64 {
        if self.paused {
            return self.head_ms;
        }
        let played = self.since.elapsed().as_millis() as i64 * i64::from(self.speed);
        self.head_ms.saturating_add(played)
    }

    /// Restarts the clock at `head_ms` (after a jump).
    pub fn restart_at(&mut self, head_ms: i64) {
        self.head_ms = head_ms;
        self.since = Instant::now();
    }

    pub fn toggle_pause(&mut self) {
        self.restart_at(self.head_ms());
        self.paused = !self.paused;
    }

    /// `+` (`by` 1) doubles the speed, `-` (`by` -1) halves it.
    pub fn change_speed(&mut self, by: i8) {
        self.restart_at(self.head_ms());
        self.speed = if by > 0 { (self.speed * 2).min(FASTEST) } else { (self.speed / 2).max(1) };
    }

    /// Jumps to `at_ms` (the `b` key): the moment at once, the whole history window
    /// when another thread has played it ([`Player::jump`]).
    pub fn jump(&mut self, at_ms: i64, player: &mut Player, shown: Fed) {
        self.filling = Some(player.jump(at_ms, shown, crate::ui::terminal::wake));
        self.restart_at(at_ms);
    }

    /// Plays what the clock has reached, after taking over a jump's whole window if it
    /// is ready; whether anything changed.
    pub fn tick(&mut self, player: &mut Player, mut shown: Fed) -> bool {
        let filled = self.filling.as_mut().and_then(Filling::take);
        if filled.is_some() || self.filling.as_ref().is_some_and(|f| !f.pending()) {
            self.filling = None;
        }
        let swapped = filled.is_some();
        if let Some((filled, whole)) = filled {
            *player = filled;
            shown.replace_with(whole);
        }
        player.play_until(self.head_ms(), &mut shown) || swapped
    }

    /// How long until the next sample is due (`None`: paused or at the end).
    pub fn until_next(&self, player: &mut Player) -> Option<Duration> {
        if self.paused {
            return None;
        }
        let next = player.next_ms()?;
        let wait_ms = (next - self.head_ms()).max(0) / i64::from(self.speed);
        Some(Duration::from_millis(wait_ms as u64))
    }

    /// `REPLAY 2026-11-29 03:12:07 · ▶ 4× · space pause · +/- speed`.
    pub fn banner(&self, shown_ms: i64, utc_offset_s: i32, at_end: bool) -> String {
        let at = when::local(shown_ms.div_euclid(1000), utc_offset_s, "%Y-%m-%d %H:%M:%S");
        let state = match (self.paused, at_end) {
            (true, _) => "paused · space plays".to_string(),
            (false, true) => "end of the recording".to_string(),
            (false, false) => format!("▶ {}× · space pauses", self.speed),
        };
        format!("REPLAY {at} · epoch {} · {state} · +/- speed · T/t step · b jump", shown_ms.div_euclid(1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_doubles_and_halves_within_its_range_and_a_pause_holds_the_head() {
        let mut p = Playback { paused: false, speed: 1, head_ms: 1_000, since: Instant::now(), filling: None };
        for _ in 0..10 {
            p.change_speed(1);
        }
        assert_eq!(p.speed, FASTEST);
        for _ in 0..10 {
            p.change_speed(-1);
        }
        assert_eq!(p.speed, 1);
        p.toggle_pause();
        let held = p.head_ms();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(p.head_ms(), held);
        assert!(p.banner(held, 0, false).contains("paused"));
    }
}
