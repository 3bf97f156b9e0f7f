//! What a recording's bytes are made of: `cargo run --release --example record_sizes --
//! DIR [NEW_DIR]` prints its size, samples and bytes a second, then each kind of sample
//! (and each field of the fast tier, the slow tier and the process table) coded as
//! this ctop writes them (differences from the sample before, see `record::delta`) and
//! compressed on their own, a block at a time, without the segment's dictionary (so
//! the parts add up to more than the whole). With `NEW_DIR` it first writes the
//! recording's samples again, block for block, as this ctop writes them (any older
//! version's recording: the same samples before and after a format change).

use ciborium::Value;
use ctop::record::format::{self, DeltaEncoder};
use ctop::record::reader::Recording;
use ctop::record::writer::Writer;
use ctop::record::{Identity, Record, Sample};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Default)]
struct Part {
    samples: u64,
    raw: u64,
    compressed: u64,
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: record_sizes DIR|SEGMENT [NEW_DIR]");
        std::process::exit(2);
    };
    let mut recording = open(dir);
    let blocks: Vec<Vec<Sample>> = (0..recording.blocks()).map(|i| recording.read_block(i)).collect();
    let span = recording.span().unwrap_or((0, 0));
    summary(dir, &recording, span);
    if let Some(new_dir) = args.get(1) {
        rewrite(&blocks, new_dir);
        // Over the samples' span: the identity is written as the writer opens, now.
        summary(new_dir, &open(new_dir), span);
    }
    let mut parts: BTreeMap<String, Part> = BTreeMap::new();
    for block in &blocks {
        add_block(block, &mut parts);
    }
    let fast = parts.get("fast").map_or(0, |p| p.samples).max(1);
    println!("{:<28} {:>8} {:>12} {:>12} {:>10}", "part", "samples", "coded bytes", "compressed", "B/fast");
    for (name, p) in &parts {
        println!(
            "{name:<28} {:>8} {:>12} {:>12} {:>10.1}",
            p.samples,
            p.raw,
            p.compressed,
            p.compressed as f64 / fast as f64
        );
    }
}

fn open(path: &Path) -> Recording {
    Recording::open(path).unwrap_or_else(|e| {
        eprintln!("{}: {e}", path.display());
        std::process::exit(1)
    })
}

fn summary(path: &Path, recording: &Recording, (first, last): (i64, i64)) {
    let files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path).unwrap().flatten().map(|e| e.path()).collect()
    } else {
        vec![path.to_path_buf()]
    };
    let bytes: u64 = files.iter().filter_map(|f| f.metadata().ok()).map(|m| m.len()).sum();
    let seconds = ((last - first) as f64 / 1000.0).max(1.0);
    println!(
        "{}: {bytes} bytes, {} blocks, {seconds:.0} s: {:.0} bytes a second, {:.1} MB a day",
        path.display(),
        recording.blocks(),
        bytes as f64 / seconds,
        bytes as f64 / seconds * 86_400.0 / 1e6
    );
}

/// Writes the samples again, a block where the recording had one.
fn rewrite(blocks: &[Vec<Sample>], new_dir: &Path) {
    let identity = blocks
        .iter()
        .flatten()
        .find_map(|s| if let Record::Identity(id) = &s.record { Some((**id).clone()) } else { None })
        .unwrap_or_else(Identity::default);
    let mut writer = Writer::open(new_dir, 1 << 40, &identity).unwrap();
    for block in blocks {
        for s in block.iter().filter(|s| !matches!(s.record, Record::Identity(_))) {
            writer.push(s.at_ms, &body(s));
        }
        writer.flush();
    }
    writer.finish();
}

fn body(sample: &Sample) -> Vec<u8> {
    let mut body = Vec::new();
    format::encode_record(&mut body, &sample.record.as_written()).unwrap();
    body
}

/// Sorts one block's samples by kind (and field), codes each group as the writer does
/// and compresses it on its own.
fn add_block(samples: &[Sample], parts: &mut BTreeMap<String, Part>) {
    let mut groups: BTreeMap<String, DeltaEncoder> = BTreeMap::new();
    for s in samples {
        let body = body(s);
        let Ok(Value::Map(kind)) = ciborium::from_reader::<Value, _>(&body[..]) else { continue };
        let Some((Value::Text(name), value)) = kind.first() else { continue };
        groups.entry(name.clone()).or_default().push(s.at_ms, &body).unwrap();
        if let ("fast" | "processes" | "slow", Value::Map(fields)) = (name.as_str(), value) {
            for (field, value) in fields {
                let Value::Text(field) = field else { continue };
                // As a sample of its kind holding only this field.
                let item = Value::Map(vec![(
                    Value::Text(name.clone()),
                    Value::Map(vec![(Value::Text(field.clone()), value.clone())]),
                )]);
                let mut body = Vec::new();
                ciborium::into_writer(&item, &mut body).unwrap();
                groups.entry(format!("  {name}.{field}")).or_default().push(s.at_ms, &body).unwrap();
            }
        }
    }
    for (name, encoder) in groups {
        let coded = encoder.frames().unwrap();
        let p = parts.entry(name).or_default();
        p.samples += u64::from(encoder.samples());
        p.raw += coded.len() as u64;
        p.compressed += ctop::record::writer::compress(&coded, None).len() as u64;
    }
}
