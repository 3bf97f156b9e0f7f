//! Every later ctop must read the recordings of every earlier one: a recording of each
//! format version (`fixtures/recordings/`: version 1, by the first recording ctop;
//! version 2, integers as differences and a dictionary per segment) is read whole,
//! replayed, and printed with `--replay --at --once` and `--json`.

use ctop::record::Record;
use ctop::record::reader::Recording;
use std::path::Path;
use std::process::Command;

const V1: &str = "fixtures/recordings/v1/ctop-00000001.rec";
const V2: &str = "fixtures/recordings/v2/ctop-00000001.rec";

#[test]
fn the_version_1_recording_reads_whole() {
    reads_whole(V1);
}

#[test]
fn the_version_2_recording_reads_whole() {
    let bytes = std::fs::read(V2).unwrap();
    assert_eq!(ctop::record::format::read_file_header(&bytes), Some(2));
    // Blocks coded against the segment's dictionary are among those read.
    let mut codecs = Vec::new();
    let mut at = ctop::record::format::FILE_HEADER_LEN;
    while let Some(h) = bytes.get(at..).and_then(ctop::record::format::BlockHeader::decode) {
        codecs.push(h.codec);
        at += ctop::record::format::BLOCK_HEADER_LEN + h.length as usize;
    }
    assert!(codecs.contains(&ctop::record::format::Codec::ZstdWithDictionary), "{codecs:?}");
    reads_whole(V2);
}

#[test]
fn the_version_2_recording_replays_as_text_and_json() {
    replays_as_text_and_json(V2);
}

fn reads_whole(path: &str) {
    let mut recording = Recording::open(Path::new(path)).unwrap();
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
    replays_as_text_and_json(V1);
}

fn replays_as_text_and_json(path: &str) {
    let (_, last) = Recording::open(Path::new(path)).unwrap().span().unwrap();
    let at = (last / 1000 - 20).to_string();
    let run = |mode: &str| {
        let out =
            Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--replay", path, "--at", &at, mode]).output().unwrap();
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
