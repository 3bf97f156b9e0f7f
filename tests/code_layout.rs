//! The code layout (packaging/code-layout/hot.ld, handed to the linker by build.rs) still
//! describes this ctop: the binary has the `.text.hot` section, and nearly every function
//! the script names still exists. When this fails, functions were renamed or removed
//! since the script was made: run `python3 packaging/code-layout/generate.py` (PERFORMANCE.md,
//! "Code layout"), or the idle dashboard's resident code grows back by up to 1.4 MB.

use std::path::Path;
use std::process::Command;

/// The section-name patterns the script lists for Rust and C functions (its archive
/// members are glibc's, which change only with glibc).
fn function_patterns() -> Vec<String> {
    let script = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/code-layout/hot.ld"))
        .expect("packaging/code-layout/hot.ld is readable");
    script
        .lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix(".text."))
        .filter(|name| !name.starts_with("unlikely.") && !name.starts_with("hot "))
        .map(str::to_string)
        .collect()
}

/// `*` matches any run of characters, as in the linker script.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else { return false };
    let mut parts: Vec<&str> = parts.collect();
    let Some(last) = parts.pop() else { return rest.is_empty() };
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn tool_output(tool: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(tool).args(args).output().ok()?;
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).expect("utf-8"))
}

#[test]
fn glob_matching_is_the_linkers() {
    assert!(glob_matches("_ZN4ctop2ui3run17h*", "_ZN4ctop2ui3run17h0123456789abcdefE"));
    assert!(glob_matches("_RNvNtCs*_5alloc5boxed14box_new_uninit*", "_RNvNtCsx_5alloc5boxed14box_new_uninit.406"));
    assert!(glob_matches("main", "main"));
    assert!(!glob_matches("main", "main2"));
    assert!(!glob_matches("_ZN4ctop2ui3run17h*", "_ZN4ctop2ui4draw17h0123456789abcdefE"));
    assert!(!glob_matches("a*b*c", "acb"));
}

#[test]
fn the_binary_is_laid_out_by_the_script_and_the_script_still_names_its_functions() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: the code layout applies to Linux builds only");
        return;
    }
    let binary = env!("CARGO_BIN_EXE_ctop");
    let Some(sections) = tool_output("readelf", &["-SW", binary]) else {
        eprintln!("skipped: readelf (binutils) is not installed");
        return;
    };
    assert!(sections.contains(" .text.hot "), "build.rs did not hand the linker hot.ld:\n{sections}");

    let symbols = tool_output("nm", &["--defined-only", binary]).expect("nm is installed with readelf");
    let names: Vec<&str> = symbols.lines().filter_map(|line| line.split_whitespace().nth(2)).collect();
    let patterns = function_patterns();
    assert!(patterns.len() > 500, "hot.ld lists only {} functions", patterns.len());
    let missing: Vec<&String> =
        patterns.iter().filter(|pattern| !names.iter().any(|name| glob_matches(pattern, name))).collect();
    // A few go missing with any change (inlining differs between builds); a tenth means
    // the layout no longer describes this code.
    assert!(
        missing.len() * 10 < patterns.len(),
        "{} of the {} functions in hot.ld are gone from ctop; regenerate it (see this file's doc). First ones: {:?}",
        missing.len(),
        patterns.len(),
        &missing[..missing.len().min(10)]
    );
}
