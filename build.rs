//! Hands the linker packaging/code-layout/hot.ld, which places the functions an idle
//! dashboard runs side by side at the start of ctop's code (PERFORMANCE.md, "Code
//! layout"): the kernel maps code in 64 KB windows around each page that runs, so
//! this keeps about 1.4 MB less of the binary resident. The script only adds an output
//! section (`INSERT BEFORE .text`); lld (Rust's default linker on Linux) and GNU ld read
//! it. mold reads no linker scripts: with `-fuse-ld=mold` in the rustflags (as
//! TESTING.md's mutation runs use), or `CTOP_CODE_LAYOUT=off`, the binary keeps the
//! default layout.

fn main() {
    println!("cargo::rerun-if-changed=packaging/code-layout/hot.ld");
    println!("cargo::rerun-if-env-changed=CTOP_CODE_LAYOUT");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    if std::env::var("CTOP_CODE_LAYOUT").as_deref() == Ok("off") {
        return;
    }
    let rustflags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if rustflags.contains("fuse-ld=mold") {
        println!("cargo::warning=mold reads no linker scripts: ctop keeps the default code layout");
        return;
    }
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let script = std::path::Path::new(&manifest_dir).join("packaging/code-layout/hot.ld");
    // `-T` and its path as two arguments, so that a comma in the path cannot split it
    // (as `-Wl,-T,PATH` would).
    println!("cargo::rustc-link-arg-bins=-T");
    println!("cargo::rustc-link-arg-bins={}", script.display());
}
