//! What a recording's bytes are made of: `cargo run --release --example record_sizes --
//! DIR` prints its size, samples and bytes a second, then each kind of sample (and each
//! field of the fast tier and the process table) compressed on its own, a block at a
//! time as the writer does, so the parts add up to about the whole.

use ciborium::Value;
use ctop::record::format::{self, BlockHeader, Codec};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Default)]
struct Part {
    samples: u64,
    raw: u64,
    compressed: u64,
}

fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: record_sizes DIR|SEGMENT");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = if dir.is_dir() {
        let mut f: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
        f.sort();
        f
    } else {
        vec![dir.clone()]
    };
    let mut parts: BTreeMap<String, Part> = BTreeMap::new();
    let (mut bytes, mut blocks, mut first, mut last) = (0u64, 0u64, i64::MAX, i64::MIN);
    // Every block's payload: raw, with the writer's zstd, with LZ4 (history's codec).
    let mut whole = (0u64, 0u64, 0u64);
    for file in &files {
        let data = std::fs::read(file).unwrap();
        bytes += data.len() as u64;
        let mut at = format::FILE_HEADER_LEN;
        while let Some(h) = data.get(at..).and_then(BlockHeader::decode) {
            let start = at + format::BLOCK_HEADER_LEN;
            let payload = &data[start..start + h.length as usize];
            at = start + h.length as usize;
            blocks += 1;
            first = first.min(h.first_ms);
            last = last.max(h.last_ms);
            let raw = match h.codec {
                Codec::Raw => payload.to_vec(),
                Codec::Zstd => {
                    let mut out = Vec::new();
                    zstd::stream::read::Decoder::new(payload).unwrap().read_to_end(&mut out).unwrap();
                    out
                }
            };
            add_block(&raw, &mut parts);
            whole.0 += raw.len() as u64;
            whole.1 += ctop::record::writer::compress(&raw).len() as u64;
            whole.2 += lz4_flex::compress(&raw).len() as u64;
        }
    }
    let seconds = ((last - first) as f64 / 1000.0).max(1.0);
    let fast = parts.get("fast").map_or(0, |p| p.samples).max(1);
    println!("{}: {bytes} bytes, {blocks} blocks, {seconds:.0} s", show(&dir));
    println!(
        "{:.0} bytes a second, {:.0} bytes a fast sample ({fast}), {:.1} MB a day",
        bytes as f64 / seconds,
        bytes as f64 / fast as f64,
        bytes as f64 / seconds * 86_400.0 / 1e6
    );
    println!(
        "blocks' payloads: {} bytes raw, {} with zstd as written, {} with LZ4 ({:.0} bytes a fast sample)",
        whole.0,
        whole.1,
        whole.2,
        whole.2 as f64 / fast as f64
    );
    println!("{:<28} {:>8} {:>12} {:>12} {:>10}", "part", "samples", "raw bytes", "compressed", "B/fast");
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

fn show(p: &Path) -> String {
    p.display().to_string()
}

/// Sorts one block's frames by kind (and field) and compresses each group on its own.
fn add_block(raw: &[u8], parts: &mut BTreeMap<String, Part>) {
    let mut groups: BTreeMap<String, (u64, Vec<u8>)> = BTreeMap::new();
    for frame in format::frames(raw).flatten() {
        let Ok(Value::Array(items)) = ciborium::from_reader::<Value, _>(frame) else { continue };
        let Some(Value::Map(kind)) = items.get(1) else { continue };
        let Some((Value::Text(name), body)) = kind.first() else { continue };
        let g = groups.entry(name.clone()).or_default();
        g.0 += 1;
        g.1.extend_from_slice(frame);
        if let ("fast" | "processes" | "slow", Value::Map(fields)) = (name.as_str(), body) {
            for (field, value) in fields {
                let Value::Text(field) = field else { continue };
                let g = groups.entry(format!("  {name}.{field}")).or_default();
                g.0 += 1;
                ciborium::into_writer(value, &mut g.1).unwrap();
            }
        }
    }
    for (name, (samples, bytes)) in groups {
        let p = parts.entry(name).or_default();
        p.samples += samples;
        p.raw += bytes.len() as u64;
        p.compressed += ctop::record::writer::compress(&bytes).len() as u64;
    }
}
