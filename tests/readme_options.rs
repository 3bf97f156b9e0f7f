//! The README's Options block is exactly what `ctop -h` prints, so the two cannot drift
//! apart: change a flag's help in `cli.rs`, run `ctop -h`, paste it into the README.

use std::process::Command;

/// The first fenced block after `## Options` in the README.
fn readme_options_block() -> String {
    let readme = include_str!("../README.md");
    let section = readme.split_once("\n## Options\n").expect("README has an `## Options` section").1;
    let block = section.split_once("```\n").expect("a fenced block under ## Options").1;
    block.split_once("\n```").expect("the block ends").0.to_string()
}

#[test]
fn the_readme_options_block_is_what_ctop_h_prints() {
    let output = Command::new(env!("CARGO_BIN_EXE_ctop")).arg("-h").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let help = help.trim_end();
    let readme = readme_options_block();
    assert!(
        readme == help,
        "README.md's Options block differs from `ctop -h`; replace the block with:\n{help}\n\n--- README has:\n{readme}"
    );
}
