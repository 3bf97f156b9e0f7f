//! A recording holds the findings as judged while recording, and a replay shows those
//! (and builds its timeline from them), whatever thresholds the replaying ctop has; a
//! recording without them (ctop 0.1.0's) is judged again with the replaying ctop's.

use ctop::health::{Finding, Findings, Key, Severity, Thresholds};
use ctop::history::Cadence;
use ctop::record::findings::recorded;
use ctop::record::reader::Recording;
use ctop::record::replay::{Player, Shown};
use ctop::record::writer::Writer;
use ctop::record::{Identity, Record, RecordRef, format};
use ctop::snapshot::FastSampler;
use ctop::source::Source;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn load_finding(message: &str) -> Findings {
    Findings::new(vec![Finding {
        severity: Severity::Error,
        subject: "load".into(),
        message: message.into(),
        key: Key::Load,
        excess: 2.0,
    }])
}

fn findings_body(findings: &Findings) -> Vec<u8> {
    let mut body = Vec::new();
    format::encode_record(&mut body, &RecordRef::Findings(&recorded(findings))).unwrap();
    body
}

/// 20 fast samples a second apart, two a block, from the whole second after the segment's
/// identity (written now); the load finding judged from the 5th to the 11th second,
/// nothing judged before and after. The first sample's time.
fn write_recording(dir: &Path) -> i64 {
    let start_ms = (ctop::record::writer::now_ms() / 1000 + 1) * 1000;
    let identity = Identity { findings: true, interval_ms: 1000, ..Identity::default() };
    let mut writer = Writer::open(dir, 1 << 30, &identity).unwrap();
    let mut sampler = FastSampler::new(Source::live());
    sampler.collect();
    let fast = sampler.collect();
    for s in 0..20 {
        let at = start_ms + s * 1000;
        let mut f = fast.clone();
        f.time.epoch = at / 1000;
        let mut body = Vec::new();
        format::encode_record(&mut body, &RecordRef::Fast(&f)).unwrap();
        writer.push(at, &body);
        match s {
            0 | 11 => writer.push_findings(at, findings_body(&Findings::default())),
            5 => writer.push_findings(at, findings_body(&load_finding("load 9.99 (recorded)"))),
            _ => {}
        }
        if s % 2 == 1 {
            writer.flush();
        }
    }
    writer.finish();
    start_ms
}

fn cadence(window_s: u64) -> Cadence {
    let s = Duration::from_secs;
    Cadence { window: s(window_s), fast: s(1), slow: s(5), processes: s(30) }
}

#[test]
fn every_block_starts_with_the_findings_that_hold() {
    let dir = tempfile::tempdir().unwrap();
    let start_ms = write_recording(dir.path());
    let mut recording = Recording::open(dir.path()).unwrap();
    // Block 0 is the identity; blocks 1.. hold two seconds each, and from the second of
    // them on (the first findings were judged after the first sample) each starts with
    // the findings holding then.
    for block in 2..recording.blocks() {
        let samples = recording.read_block(block);
        let Record::Findings(first) = &samples[0].record else { panic!("block {block} starts otherwise") };
        let second = (samples[0].at_ms - start_ms) / 1000;
        let expected = if (5..11).contains(&second) { 1 } else { 0 };
        assert_eq!(first.len(), expected, "second {second}: {first:?}");
    }
}

#[test]
fn a_replay_shows_the_recorded_findings_and_times_them_in_its_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let start_ms = write_recording(dir.path());
    // The replaying ctop's thresholds would judge no load at all.
    let thresholds = Thresholds { load_warning: 1e9, load_error: 1e9, ..Thresholds::default() };
    let mut player = Player::new(Recording::open(dir.path()).unwrap(), thresholds, cadence(3600));
    let mut shown = Shown::new(cadence(3600));
    player.seek(start_ms + 8_000, shown.fed());
    assert!(player.findings_recorded());
    assert_eq!(shown.findings.problems, load_finding("load 9.99 (recorded)").problems);
    player.play_until(start_ms + 19_000, &mut shown.fed());
    assert!(shown.findings.problems.is_empty());
    let load: Vec<_> = shown.timeline.events().filter(|e| e.key == Some(Key::Load)).collect();
    assert_eq!(load.len(), 1, "{load:?}");
    assert_eq!(load[0].first_message, "load 9.99 (recorded)");
    assert_eq!((load[0].started_ms, load[0].ended_ms), (start_ms + 5_000, Some(start_ms + 11_000)));
    // Stepping back to a moment within the window shows what was recorded then.
    assert_eq!(player.findings_at(start_ms + 7_000).map(|f| f.problems.len()), Some(1));
    assert_eq!(player.findings_at(start_ms + 12_000).map(|f| f.problems.len()), Some(0));
}

#[test]
fn a_seek_past_the_change_still_knows_the_findings_from_the_block_it_starts_in() {
    let dir = tempfile::tempdir().unwrap();
    let start_ms = write_recording(dir.path());
    // A 1-second window: playing starts in the block of second 8, three after the change.
    let mut player = Player::new(Recording::open(dir.path()).unwrap(), Thresholds::default(), cadence(1));
    let mut shown = Shown::new(cadence(1));
    player.seek(start_ms + 9_000, shown.fed());
    assert_eq!(shown.findings.problems, load_finding("load 9.99 (recorded)").problems);
}

/// Two configuration files in `dir`: under the strict one memory used over 1 % is a
/// warning, which any machine has; under the lenient one memory is never a finding (a
/// percentage over 100 never fires).
fn memory_configs(dir: &Path) -> (PathBuf, PathBuf) {
    let strict = dir.join("strict.toml");
    std::fs::write(&strict, "[thresholds]\nmemory_warning = 1.0\n").unwrap();
    let lenient = dir.join("lenient.toml");
    std::fs::write(&lenient, "[thresholds]\nmemory_warning = 101.0\nmemory_error = 101.0\n").unwrap();
    (strict, lenient)
}

fn ctop(args: &[&str], config: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ctop")).arg("--config").arg(config).args(args).output().unwrap()
}

#[test]
fn the_recorder_writes_what_it_judged_and_the_replay_shows_it_under_other_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let (strict, lenient) = memory_configs(dir.path());
    let rec = dir.path().join("rec");
    let mut recorder = Command::new(env!("CARGO_BIN_EXE_ctop"))
        .arg("--config")
        .arg(&strict)
        .args(["--interval", "1", "--record"])
        .arg(&rec)
        .arg("--no-ui")
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(4));
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(recorder.id() as i32, libc::SIGTERM) };
    assert!(recorder.wait().unwrap().success());

    let out = ctop(&["--replay", rec.to_str().unwrap(), "--json"], &lenient);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["subject"] == "memory"), "the recorded memory finding: {findings:?}");
    let text = ctop(&["--replay", rec.to_str().unwrap(), "--once"], &lenient);
    assert!(String::from_utf8_lossy(&text.stdout).contains("memory"));

    // A live look with the lenient thresholds has no memory finding: the one above is
    // the recording's.
    let live = ctop(&["--json"], &lenient);
    let json: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    assert!(!json["findings"].as_array().unwrap().iter().any(|f| f["subject"] == "memory"));
}

#[test]
fn a_recording_without_findings_is_judged_again_with_the_replaying_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let (strict, lenient) = memory_configs(dir.path());
    let v1 = "fixtures/recordings/v1/ctop-00000001.rec";
    let memory = |config: &Path| {
        let out = ctop(&["--replay", v1, "--json"], config);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"].as_array().unwrap().iter().any(|f| f["subject"] == "memory")
    };
    assert!(memory(&strict));
    assert!(!memory(&lenient));
}
