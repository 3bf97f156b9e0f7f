//! Replay's clock (`--replay`): where the recording's head is, whether it plays
//! (`space` pauses and resumes) and how fast (`+`/`-`: 1× to 64×), and the line the
//! header shows for it.

use crate::history::when;
use crate::record::replay::{Fed, Player};
use std::time::{Duration, Instant};

const FASTEST: u32 = 64;

pub struct Playback {
    pub paused: bool,
    pub speed: u32,
    /// The recording's time (epoch ms) the head had at `since`.
    head_ms: i64,
    since: Instant,
}

impl Playback {
    /// Playing at 1× from `head_ms`.
    pub fn new(head_ms: i64) -> Self {
        Playback { paused: false, speed: 1, head_ms, since: Instant::now() }
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

    /// Plays what the clock has reached; whether anything was played.
    pub fn tick(&mut self, player: &mut Player, mut shown: Fed) -> bool {
        player.play_until(self.head_ms(), &mut shown)
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
        let mut p = Playback::new(1_000);
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
