//! Every later ctop must read the recordings of every earlier one: a recording made by
//! the first recording ctop (format version 1, `fixtures/recordings/`) is read whole,
//! replayed, and printed with `--replay --at --once` and `--json`.

use ctop::record::Record;
use ctop::record::reader::Recording;
use std::path::Path;
use std::process::Command;

const V1: &str = "fixtures/recordings/v1/ctop-00000001.rec";

#[test]
fn the_version_1_recording_reads_whole() {
    let mut recording = Recording::open(Path::new(V1)).unwrap();
    let samples = recording.read_all();
    assert!(recording.skipped().is_empty(), "{}", recording.skipped());
    let kinds = |want: fn(&Record) -> bool| samples.iter().filter(|s| want(&s.record)).count();
    assert_eq!(kinds(|r| matches!(r, Record::Identity(_))), 1);
    assert!(kinds(|r| matches!(r, Record::Fast(_))) >= 50);
    assert!(kinds(|r| matches!(r, Record::Slow(_))) >= 10);
    assert!(kinds(|r| matches!(r, Record::Processes(_))) >= 1);
    assert!(kinds(|r| matches!(r, Record::Cgroups(_))) >= 1);
    let Record::Identity(id) = &samples[0].record else { panic!("identity first") };
    assert_eq!(id.ctop_version, "0.1.0");
    assert!(id.host.hostname.is_some() && id.boot_epoch.is_some());
    // Every fast sample has the clock it was read with, and all but the first (which
    // has no reading before it) the CPUs' use.
    let fast: Vec<_> =
        samples.iter().filter_map(|s| if let Record::Fast(f) = &s.record { Some(f) } else { None }).collect();
    assert!(fast.iter().all(|f| f.time.epoch > 1_700_000_000));
    assert!(fast[1..].iter().all(|f| !f.cpu.per_core.is_empty() && f.cpu.total.is_some_and(|t| t.busy() > 0.0)));
}

#[test]
fn the_version_1_recording_replays_as_text_and_json() {
    let (_, last) = Recording::open(Path::new(V1)).unwrap().span().unwrap();
    let at = (last / 1000 - 20).to_string();
    let run = |mode: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--replay", V1, "--at", &at, mode]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("--json")).unwrap();
    let epoch = json["time"]["epoch"].as_i64().unwrap();
    assert!((at.parse::<i64>().unwrap() - 1..=at.parse::<i64>().unwrap()).contains(&epoch), "{epoch} for --at {at}");
    assert!(!json["filesystems"].as_array().unwrap().is_empty());
    assert!(json["processes"]["total"].as_u64().unwrap() > 0);
    let text = run("--once");
    assert!(text.contains(&epoch.to_string()), "{text}");
}
