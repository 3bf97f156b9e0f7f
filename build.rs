//! Hands the linker packaging/code-layout/hot.ld, which places the functions an idle
//! dashboard runs side by side at the start of ctop's code (PERFORMANCE.md, "Code
//! layout"): the kernel maps code in 64 KB windows around each page that runs, so
//! this keeps about 1.4 MB less of the binary resident. The script only adds an output
//! section (`INSERT BEFORE .text`); GNU ld and lld both read it.

fn main() {
    println!("cargo::rerun-if-changed=packaging/code-layout/hot.ld");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let script = std::path::Path::new(&manifest_dir).join("packaging/code-layout/hot.ld");
    // `-T` and its path as two arguments, so that a comma in the path cannot split it
    // (as `-Wl,-T,PATH` would).
    println!("cargo::rustc-link-arg-bins=-T");
    println!("cargo::rustc-link-arg-bins={}", script.display());
}
