//! Inputs for the parsers' fuzz tests (test builds only): arbitrary text, and real
//! files from `fixtures/` mutated the way a garbled or hostile file would be — cut at
//! any byte, bytes flipped, numbers swapped for awkward ones, lines repeated. The whole
//! fixture trees are spoiled and pushed through collection and drawing by
//! `tests/fuzz_trees.rs`; these reach the parsers directly, so many more cases fit in a
//! run. `PROPTEST_CASES` sets the number of cases (the long run: PERFORMANCE.md,
//! "Fuzzing").

use proptest::prelude::*;

/// Cases per test unless PROPTEST_CASES says otherwise: a fraction of a second each.
pub const CI_CASES: u32 = 256;

pub fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(CI_CASES);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

const AWKWARD: &[&str] = &[
    "",
    "-1",
    "0",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999",
    "-9223372036854775808",
    "nan",
    "inf",
    "1e308",
    "0x",
    " ",
    ")",
    "(",
    "\\",
    "\\0",
    "\\777",
    ":",
    "=",
    "\"",
    "\n",
    "\u{0}",
    "\u{1b}[2J",
    "é",
];

#[derive(Debug, Clone)]
enum Mutation {
    Cut(usize),
    Flip(usize, u8),
    Insert(usize, &'static str),
    RepeatLine(usize),
}

fn mutate(seed: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seed.as_bytes().to_vec();
    for mutation in mutations {
        let len = bytes.len();
        match *mutation {
            Mutation::Cut(at) => bytes.truncate(at % (len + 1)),
            Mutation::Flip(at, xor) if len > 0 => bytes[at % len] ^= xor,
            Mutation::Flip(..) => {}
            Mutation::Insert(at, text) => {
                let at = at % (len + 1);
                bytes.splice(at..at, text.bytes());
            }
            Mutation::RepeatLine(nth) => {
                let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
                if !lines.is_empty() {
                    let line = lines[nth % lines.len()].to_vec();
                    bytes.extend_from_slice(&line);
                }
            }
        }
    }
    bytes
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<usize>().prop_map(Mutation::Cut),
        3 => (any::<usize>(), 1..=255u8).prop_map(|(at, xor)| Mutation::Flip(at, xor)),
        3 => (any::<usize>(), proptest::sample::select(AWKWARD)).prop_map(|(at, text)| Mutation::Insert(at, text)),
        1 => any::<usize>().prop_map(Mutation::RepeatLine),
    ]
}

/// Bytes: arbitrary, or one of `seeds` (real files) mutated.
pub fn bytes_from(seeds: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        3 => (proptest::sample::select(seeds), proptest::collection::vec(mutation(), 0..10))
            .prop_map(|(seed, mutations)| mutate(seed, &mutations)),
    ]
}

/// Text: arbitrary, or one of `seeds` mutated (invalid UTF-8 replaced, as a reader
/// that insists on text would have to).
pub fn text_from(seeds: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        4 => bytes_from(seeds).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// A fixture file's contents, by its path under `fixtures/`.
macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $path))
    };
}
pub(crate) use fixture;
