//! How far past its threshold a finding is (its `excess`, which orders the problem
//! list), on values where the rule's formula and its near misses disagree. Mutation
//! testing found two formulas unchecked: the OOM hint's (at the default threshold of 1
//! kill every count is at least twice the threshold, the relative excess is capped at 1,
//! and `-1 + 1/2` equals `-1 × 1/2`) and the network percentages' (no test read it).

use ctop::collect::network::Rate;
use ctop::collect::pressure::OomKills;
use ctop::health::{Key, Thresholds, judge};
use ctop::snapshot::Snapshot;

fn oom_excess(since_boot: u64, threshold: u64) -> f64 {
    let s = Snapshot {
        oom_kills: OomKills { since_boot: Some(since_boot), while_watching: Some(0) },
        ..Snapshot::default()
    };
    let t = Thresholds { oom_since_boot_warning: threshold, ..Thresholds::default() };
    let findings = judge(&s, &t);
    findings.problems.iter().find(|p| p.key == Key::OomKills).map(|p| p.excess).expect("an OOM finding")
}

fn close(got: f64, want: f64, case: &str) {
    assert!((got - want).abs() < 1e-9, "{case}: {got} ≠ {want}");
}

#[test]
fn old_oom_kills_are_a_hint_below_zero_ordered_by_half_their_relative_excess() {
    // 6 kills against a threshold of 4: (6 − 4) / 4 = 0.5 past it; the hint's -1, plus half that.
    close(oom_excess(6, 4), -1.0 + 0.5 / 2.0, "half past the threshold");
    // At the threshold: nothing past it, the hint alone.
    close(oom_excess(4, 4), -1.0, "at the threshold");
    // Twice the threshold and more: capped at 1, so -1 + 1/2.
    close(oom_excess(20, 4), -0.5, "capped");
}

#[test]
fn a_network_percentage_is_past_its_level_by_its_share_of_the_way_from_there_to_100() {
    let t = Thresholds { tcp_retransmit_warning: 5.0, tcp_retransmit_error: 15.0, ..Thresholds::default() };
    let excess = |retransmit_percent: f64| {
        let mut s = Snapshot::default();
        s.network.tcp.retransmit_percent = Some(retransmit_percent);
        s.network.tcp.segments_sent_per_s = Some(Rate { now: 5000.0, sustained: 5000.0 });
        let findings = judge(&s, &t);
        findings.problems.iter().find(|p| p.key == Key::Network("retransmits")).map(|p| p.excess).expect("a finding")
    };
    close(excess(20.0), (20.0 - 15.0) / (100.0 - 15.0), "an error, 5 of the 85 points past its level");
    close(excess(8.0), (8.0 - 5.0) / (100.0 - 5.0), "a warning, 3 of the 95 points past its level");
}
