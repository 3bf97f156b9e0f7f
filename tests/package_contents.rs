//! The .deb and .rpm hold the same files, and everything a user needs: the binary, the
//! man page, the three completions, every unit and example under `packaging/`, the README
//! and the licence. Read from the packagers' metadata in Cargo.toml, so a file added to
//! `packaging/` but not to a package fails here, not on a user's machine.

use std::collections::BTreeSet;
use std::path::Path;

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    text.parse().expect("Cargo.toml parses")
}

fn metadata<'a>(manifest: &'a toml::Table, packager: &str) -> &'a toml::Table {
    manifest["package"]["metadata"][packager].as_table().unwrap_or_else(|| panic!("no [package.metadata.{packager}]"))
}

/// `(source, installed path)` of each .deb asset; a destination ending in `/` keeps the
/// source's file name, as cargo-deb does.
fn deb_assets(manifest: &toml::Table) -> Vec<(String, String)> {
    let assets = metadata(manifest, "deb")["assets"].as_array().unwrap();
    assets
        .iter()
        .map(|a| {
            let a = a.as_array().unwrap();
            let (source, dest) = (a[0].as_str().unwrap(), a[1].as_str().unwrap());
            let dest = match dest.strip_suffix('/') {
                Some(dir) => format!("/{dir}/{}", Path::new(source).file_name().unwrap().to_str().unwrap()),
                None => format!("/{dest}"),
            };
            (source.to_string(), dest)
        })
        .collect()
}

fn rpm_assets(manifest: &toml::Table) -> Vec<(String, String)> {
    let assets = metadata(manifest, "generate-rpm")["assets"].as_array().unwrap();
    assets
        .iter()
        .map(|a| (a["source"].as_str().unwrap().to_string(), a["dest"].as_str().unwrap().to_string()))
        .collect()
}

fn sources(assets: &[(String, String)]) -> BTreeSet<&str> {
    assets.iter().map(|(source, _)| source.as_str()).collect()
}

/// Every file under `packaging/` a user installs: units, completions, the man page,
/// example rules (not the build scripts, the linker's code layout, the Debian-only files
/// or the rules' test).
fn installable_files() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = BTreeSet::new();
    let mut dirs = vec![root.join("packaging")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let relative = path.strip_prefix(root).unwrap().to_str().unwrap().to_string();
            let tooling = relative.ends_with(".sh")
                || relative.ends_with(".test.yml")
                || relative.contains("/debian/")
                || relative.contains("/code-layout/");
            if !tooling {
                found.insert(relative);
            }
        }
    }
    found
}

#[test]
fn the_deb_and_the_rpm_install_the_same_files() {
    let m = manifest();
    let (deb, rpm) = (deb_assets(&m), rpm_assets(&m));
    // The .deb's licence is the generated /usr/share/doc/ctop/copyright (Debian policy);
    // the .rpm carries the LICENSE file itself.
    let rpm_without_licence: BTreeSet<&str> = sources(&rpm).into_iter().filter(|s| *s != "LICENSE").collect();
    let deb_without_debian: BTreeSet<&str> =
        sources(&deb).into_iter().filter(|s| !s.starts_with("packaging/debian/")).collect();
    assert_eq!(deb_without_debian, rpm_without_licence);
    assert!(sources(&rpm).contains("LICENSE"));
    assert!(metadata(&m, "deb").contains_key("copyright"), "cargo-deb writes the copyright file from this");
}

#[test]
fn the_packages_hold_everything_a_user_needs() {
    let m = manifest();
    for assets in [deb_assets(&m), rpm_assets(&m)] {
        let dests: BTreeSet<&str> = assets.iter().map(|(_, d)| d.as_str()).collect();
        for needed in [
            "/usr/bin/ctop",
            "/usr/share/man/man1/ctop.1",
            "/usr/share/bash-completion/completions/ctop",
            "/usr/share/fish/vendor_completions.d/ctop.fish",
            "/usr/share/doc/ctop/README.md",
        ] {
            assert!(dests.contains(needed), "{needed} missing from {dests:?}");
        }
        assert!(dests.iter().any(|d| d.ends_with("/_ctop")), "zsh completion missing");
        let sources = sources(&assets);
        for file in installable_files() {
            assert!(sources.contains(file.as_str()), "{file} is in packaging/ but in no package");
        }
        for (source, _) in &assets {
            // The binary is built by the release script; everything else is in the tree.
            if source != "target/release/ctop" {
                assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(source).is_file(), "{source} does not exist");
            }
        }
    }
}

#[test]
fn the_release_binary_is_stripped() {
    let m = manifest();
    assert_eq!(m["profile"]["release"]["strip"].as_bool(), Some(true), "PERFORMANCE.md gives the stripped size");
}
