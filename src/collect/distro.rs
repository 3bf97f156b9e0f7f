//! The Linux distribution: `/etc/os-release`, else `/usr/lib/os-release`, else
//! `/etc/lsb-release`, else the older `/etc/*-release` and `*_version` files, else
//! `/etc/debian_version`. Symbolic links are followed inside the source root, so a
//! mounted image's `/etc/os-release -> /usr/lib/os-release` reads the image's file.

mod in_root;
mod key_value;
mod legacy;

use crate::source::Source;
use key_value::get;
use legacy::{Family, Release};
use serde::{Deserialize, Serialize};

/// What the release files say. Every field is `None` where no file says it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Distro {
    /// Machine id, lower case: `debian`, `rhel`, `alpine` …
    pub id: Option<String>,
    pub id_like: Vec<String>,
    /// `Debian GNU/Linux`, `CentOS Linux` …
    pub name: Option<String>,
    /// The most precise version the files give: `12.7` (os-release's `12` refined by
    /// `/etc/debian_version`), `7.9.2009` (by `/etc/centos-release`), `3.19.1` …
    pub version: Option<String>,
    pub codename: Option<String>,
    /// `Debian GNU/Linux 12 (bookworm)`.
    pub pretty_name: Option<String>,
}

type Pairs = Vec<(String, String)>;

pub fn collect(source: &Source) -> Distro {
    let read = |abs: &str| in_root::read(source, abs);
    let os_release = read("/etc/os-release").or_else(|| read("/usr/lib/os-release")).map(|t| key_value::parse(&t));
    let lsb = read("/etc/lsb-release").map(|t| key_value::parse(&t)).filter(|kv| get(kv, "DISTRIB_ID").is_some());
    let legacy = legacy::read(read);
    let debian_version = read("/etc/debian_version").map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    match (os_release, lsb) {
        // Linux Mint 17 shipped Ubuntu's os-release unchanged and said who it is in
        // lsb-release, keeping Ubuntu's under /etc/upstream-release/.
        (Some(os), Some(lsb)) if describes_upstream(source, &os, &lsb) => {
            let mut upstream: Vec<String> = get(&os, "ID").map(str::to_lowercase).into_iter().collect();
            upstream.extend(get(&os, "ID_LIKE").unwrap_or("").split_whitespace().map(String::from));
            from_lsb(&lsb, Some(upstream))
        }
        (Some(os), lsb) => from_os_release(&os, lsb.as_ref(), legacy.as_ref(), debian_version.as_deref()),
        (None, Some(lsb)) => from_lsb(&lsb, None),
        (None, None) => match (legacy, debian_version) {
            (Some(release), _) => from_release_file(release),
            (None, Some(debian)) => from_debian_version(&debian),
            (None, None) => Distro::default(),
        },
    }
}

fn describes_upstream(source: &Source, os: &Pairs, lsb: &Pairs) -> bool {
    let upstream_kept = in_root::resolve(source, "/etc/upstream-release").is_some_and(|p| p.is_dir());
    let os_id = get(os, "ID").unwrap_or("");
    let lsb_id = Family::by_name(get(lsb, "DISTRIB_ID").unwrap_or("")).map_or("", |f| f.id);
    upstream_kept && !lsb_id.is_empty() && !lsb_id.eq_ignore_ascii_case(os_id)
}

fn from_os_release(os: &Pairs, lsb: Option<&Pairs>, legacy: Option<&Release>, debian_version: Option<&str>) -> Distro {
    // os-release(5) defaults.
    let id = get(os, "ID").unwrap_or("linux").to_lowercase();
    let name = get(os, "NAME").unwrap_or("Linux");
    let version_text = get(os, "VERSION");
    let same_family = |f: &Family| f.id == id;
    let numeric = |v: &&str| v.starts_with(|c: char| c.is_ascii_digit());
    // lsb-release about the same distribution ("ManjaroLinux" is `manjaro`).
    let lsb = lsb.filter(|l| {
        let distrib_id = get(l, "DISTRIB_ID").unwrap_or("");
        distrib_id.eq_ignore_ascii_case(&id) || Family::by_name(distrib_id).as_ref().is_some_and(same_family)
    });
    let version = most_precise(
        get(os, "VERSION_ID"),
        [
            version_text.and_then(leading_version),
            legacy.and_then(|r| r.version.as_deref()),
            debian_version.filter(numeric),
            lsb.and_then(|l| get(l, "DISTRIB_RELEASE")),
        ],
    );
    let lsb_codename = lsb.and_then(|l| get(l, "DISTRIB_CODENAME"));
    let codename = get(os, "VERSION_CODENAME")
        .or_else(|| get(os, "UBUNTU_CODENAME"))
        .or(lsb_codename)
        .map(String::from)
        .or_else(|| version_text.and_then(codename_in_version))
        .or_else(|| legacy.filter(|r| r.family.as_ref().is_some_and(same_family)).and_then(|r| r.codename.clone()));
    Distro {
        pretty_name: Some(
            get(os, "PRETTY_NAME")
                .map_or_else(|| compose(name, version_text.or(version.as_deref()), None), String::from),
        ),
        id_like: get(os, "ID_LIKE").unwrap_or("").split_whitespace().map(String::from).collect(),
        id: Some(id),
        name: Some(name.to_string()),
        version,
        codename,
    }
}

fn from_lsb(lsb: &Pairs, id_like: Option<Vec<String>>) -> Distro {
    let distrib_id = get(lsb, "DISTRIB_ID").unwrap_or("");
    let description = get(lsb, "DISTRIB_DESCRIPTION");
    let version = get(lsb, "DISTRIB_RELEASE");
    let family = description.and_then(Family::by_name).or_else(|| Family::by_name(distrib_id));
    // "Linux Mint 17.3 Rosa" names "Linux Mint".
    let name = description
        .map(|d| version.and_then(|v| d.find(v)).map_or(d, |at| d[..at].trim()))
        .filter(|n| !n.is_empty())
        .or(family.map(|f| f.name))
        .unwrap_or(distrib_id);
    let codename = get(lsb, "DISTRIB_CODENAME");
    Distro {
        id: Some(family.map_or_else(|| distrib_id.to_lowercase().replace(' ', ""), |f| f.id.to_string())),
        id_like: id_like
            .unwrap_or_else(|| family.map(|f| f.id_like.iter().map(|s| s.to_string()).collect()).unwrap_or_default()),
        name: Some(name.to_string()),
        version: version.map(String::from),
        codename: codename.map(String::from),
        pretty_name: Some(description.map_or_else(|| compose(name, version, codename), String::from)),
    }
}

fn from_release_file(release: Release) -> Distro {
    Distro {
        id: Some(release.family.map_or("linux", |f| f.id).to_string()),
        id_like: release.family.map(|f| f.id_like.iter().map(|s| s.to_string()).collect()).unwrap_or_default(),
        pretty_name: Some(compose(&release.name, release.version.as_deref(), release.codename.as_deref())),
        name: Some(release.name),
        version: release.version,
        codename: release.codename,
    }
}

/// Only `/etc/debian_version`: a point release ("8.2") or, on testing, "bookworm/sid".
fn from_debian_version(text: &str) -> Distro {
    let debian = Family::DEBIAN;
    let numeric = text.starts_with(|c: char| c.is_ascii_digit());
    let (version, codename) = if numeric { (Some(text), None) } else { (None, Some(text)) };
    Distro {
        id: Some(debian.id.to_string()),
        id_like: Vec::new(),
        name: Some(debian.name.to_string()),
        version: version.map(String::from),
        codename: codename.map(String::from),
        pretty_name: Some(compose(debian.name, version, codename)),
    }
}

/// "Name 1.2 (Codename)", leaving out what is unknown.
fn compose(name: &str, version: Option<&str>, codename: Option<&str>) -> String {
    let mut s = name.to_string();
    if let Some(v) = version {
        s = format!("{s} {v}");
    }
    if let Some(c) = codename {
        s = format!("{s} ({c})");
    }
    s
}

/// The most precise of the versions that agree with `base` (`7` → `7.1.1503`, never
/// `8.2`); the first candidate where there is no base.
fn most_precise(base: Option<&str>, candidates: [Option<&str>; 4]) -> Option<String> {
    let Some(base) = base else { return candidates.into_iter().flatten().next().map(String::from) };
    let refines = |c: &&str| *c == base || c.strip_prefix(base).is_some_and(|rest| rest.starts_with('.'));
    let best = candidates.into_iter().flatten().filter(refines).max_by_key(|c| c.len());
    Some(best.unwrap_or(base).to_string())
}

/// "14.04.3 LTS, Trusty Tahr" → "14.04.3".
fn leading_version(text: &str) -> Option<&str> {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let v = text[..end].trim_end_matches('.');
    (!v.is_empty()).then_some(v)
}

/// "10 (buster)" → "buster"; "14.04.3 LTS, Trusty Tahr" → "Trusty Tahr".
fn codename_in_version(text: &str) -> Option<String> {
    let in_parens = text.split_once('(').and_then(|(_, r)| r.split_once(')')).map(|(c, _)| c);
    let after_comma = text.split_once(", ").map(|(_, c)| c);
    in_parens.or(after_comma).map(str::trim).filter(|c| !c.is_empty()).map(String::from)
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{config, fixture, text_from};

    const SEEDS: &[&str] =
        &[fixture!("distros/debian10/etc/debian_version"), fixture!("distros/centos7/etc/redhat-release")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn version_strings_never_panic(text in text_from(SEEDS)) {
            let _ = super::from_debian_version(&text);
            let _ = super::leading_version(&text);
            let _ = super::codename_in_version(&text);
        }
    }
}
