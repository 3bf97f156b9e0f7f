//! What came before os-release: one-line `/etc/<distro>-release` files ("CentOS release
//! 5.11 (Final)"), `/etc/slackware-version`, `/etc/alpine-release` (a bare version),
//! and the table that turns a distribution's name into its os-release `ID`.

/// Release files, most specific first: `redhat-release` and `system-release` are
/// often links to one of the others, and say less.
const RELEASE_FILES: &[(&str, Option<Family>)] = &[
    ("almalinux-release", Some(Family::ALMALINUX)),
    ("rocky-release", Some(Family::ROCKY)),
    ("centos-release", Some(Family::CENTOS)),
    ("cloudlinux-release", Some(Family::CLOUDLINUX)),
    ("oracle-release", Some(Family::ORACLE)),
    ("sl-release", Some(Family::SCIENTIFIC)),
    ("fedora-release", Some(Family::FEDORA)),
    ("mageia-release", Some(Family::MAGEIA)),
    ("mandriva-release", Some(Family::MANDRIVA)),
    ("altlinux-release", Some(Family::ALTLINUX)),
    ("gentoo-release", Some(Family::GENTOO)),
    ("slackware-version", Some(Family::SLACKWARE)),
    ("SuSE-release", Some(Family::SUSE)),
    ("alpine-release", Some(Family::ALPINE)),
    ("arch-release", Some(Family::ARCH)),
    ("manjaro-release", Some(Family::MANJARO)),
    ("system-release", None),
    ("redhat-release", Some(Family::RHEL)),
];

/// A distribution as os-release would name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Family {
    pub id: &'static str,
    pub id_like: &'static [&'static str],
    /// Its usual name, for files that hold only a version (`alpine-release`).
    pub name: &'static str,
}

impl Family {
    const RHEL: Family = Family { id: "rhel", id_like: &["fedora"], name: "Red Hat Enterprise Linux" };
    const CENTOS: Family = Family { id: "centos", id_like: &["rhel", "fedora"], name: "CentOS" };
    const CLOUDLINUX: Family = Family { id: "cloudlinux", id_like: &["rhel", "fedora", "centos"], name: "CloudLinux" };
    const SCIENTIFIC: Family = Family { id: "scientific", id_like: &["rhel", "fedora"], name: "Scientific Linux" };
    const AMAZON: Family = Family { id: "amzn", id_like: &["rhel", "fedora"], name: "Amazon Linux" };
    const ORACLE: Family = Family { id: "ol", id_like: &["fedora"], name: "Oracle Linux" };
    const ALMALINUX: Family = Family { id: "almalinux", id_like: &["rhel", "centos", "fedora"], name: "AlmaLinux" };
    const ROCKY: Family = Family { id: "rocky", id_like: &["rhel", "centos", "fedora"], name: "Rocky Linux" };
    const FEDORA: Family = Family { id: "fedora", id_like: &[], name: "Fedora" };
    const MAGEIA: Family = Family { id: "mageia", id_like: &["mandriva", "fedora"], name: "Mageia" };
    const MANDRIVA: Family = Family { id: "mandriva", id_like: &[], name: "Mandriva Linux" };
    const ALTLINUX: Family = Family { id: "altlinux", id_like: &[], name: "ALT Linux" };
    const GENTOO: Family = Family { id: "gentoo", id_like: &[], name: "Gentoo" };
    const SLACKWARE: Family = Family { id: "slackware", id_like: &[], name: "Slackware" };
    const SUSE: Family = Family { id: "suse", id_like: &[], name: "SUSE Linux" };
    const OPENSUSE: Family = Family { id: "opensuse", id_like: &["suse"], name: "openSUSE" };
    const SLES: Family = Family { id: "sles", id_like: &["suse"], name: "SUSE Linux Enterprise Server" };
    const ALPINE: Family = Family { id: "alpine", id_like: &[], name: "Alpine Linux" };
    const ARCH: Family = Family { id: "arch", id_like: &[], name: "Arch Linux" };
    const MANJARO: Family = Family { id: "manjaro", id_like: &["arch"], name: "Manjaro Linux" };
    const MINT: Family = Family { id: "linuxmint", id_like: &["ubuntu", "debian"], name: "Linux Mint" };
    const UBUNTU: Family = Family { id: "ubuntu", id_like: &["debian"], name: "Ubuntu" };
    pub const DEBIAN: Family = Family { id: "debian", id_like: &[], name: "Debian GNU/Linux" };

    /// Names as distributions write them, matched as a prefix ignoring case and spaces
    /// ("LinuxMint" is "Linux Mint", "MandrivaLinux" is "Mandriva").
    const BY_NAME: &[(&str, Family)] = &[
        ("Red Hat Enterprise", Family::RHEL),
        ("RedHatEnterprise", Family::RHEL),
        ("CentOS", Family::CENTOS),
        ("CloudLinux", Family::CLOUDLINUX),
        ("Scientific Linux", Family::SCIENTIFIC),
        ("Amazon Linux", Family::AMAZON),
        ("Oracle Linux", Family::ORACLE),
        ("AlmaLinux", Family::ALMALINUX),
        ("Rocky Linux", Family::ROCKY),
        ("Fedora", Family::FEDORA),
        ("Mageia", Family::MAGEIA),
        ("Mandriva", Family::MANDRIVA),
        ("ALT", Family::ALTLINUX),
        ("Gentoo", Family::GENTOO),
        ("Slackware", Family::SLACKWARE),
        ("openSUSE", Family::OPENSUSE),
        ("SUSE Linux Enterprise Server", Family::SLES),
        ("Manjaro", Family::MANJARO),
        ("Linux Mint", Family::MINT),
        ("Ubuntu", Family::UBUNTU),
        ("Debian", Family::DEBIAN),
    ];

    pub fn by_name(name: &str) -> Option<Family> {
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        let name = squash(name);
        Family::BY_NAME.iter().find(|(prefix, _)| name.starts_with(&squash(prefix))).map(|&(_, f)| f)
    }
}

/// What one release file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Release {
    pub family: Option<Family>,
    pub name: String,
    pub version: Option<String>,
    pub codename: Option<String>,
}

/// The first release file there is, parsed. `read` reads a file of the machine.
pub(super) fn read(read: impl Fn(&str) -> Option<String>) -> Option<Release> {
    RELEASE_FILES.iter().find_map(|&(file, family)| {
        let text = read(&format!("/etc/{file}"))?;
        Some(parse(text.lines().next().unwrap_or(""), family))
    })
}

/// "Name release 1.2 (Codename)", "Name 1.2 (Codename)", "1.2", or nothing (Arch).
fn parse(line: &str, file_family: Option<Family>) -> Release {
    let line = line.trim();
    let (name, rest) = match line.split_once(" release ") {
        Some((name, rest)) => (name.trim(), rest.trim()),
        None => {
            let at = line.find(|c: char| c.is_ascii_digit()).filter(|&i| i == 0 || line[..i].ends_with(' '));
            match at {
                Some(i) => (line[..i].trim(), &line[i..]),
                None => (line, ""),
            }
        }
    };
    let version = rest.split_whitespace().next().filter(|v| v.starts_with(|c: char| c.is_ascii_digit()));
    let codename = rest
        .split_once('(')
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(c, _)| c.trim())
        .filter(|c| !c.is_empty() && !is_architecture(c));
    let family = Family::by_name(name).or(file_family);
    let name = if name.is_empty() { family.map_or("Linux", |f| f.name) } else { name };
    Release { family, name: name.to_string(), version: version.map(String::from), codename: codename.map(String::from) }
}

/// SuSE-release puts the architecture where others put a codename.
fn is_architecture(word: &str) -> bool {
    matches!(word, "x86_64" | "i386" | "i586" | "i686" | "s390" | "s390x" | "ppc" | "ppc64" | "ppc64le" | "aarch64")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_lines() {
        let r = parse("CentOS Linux release 7.1.1503 (Core) ", None);
        assert_eq!(
            (r.name.as_str(), r.version.as_deref(), r.codename.as_deref()),
            ("CentOS Linux", Some("7.1.1503"), Some("Core"))
        );
        assert_eq!(r.family, Some(Family::CENTOS));
        let r = parse("openSUSE 42.1 (x86_64)", Some(Family::SUSE));
        assert_eq!((r.name.as_str(), r.version.as_deref(), r.codename), ("openSUSE", Some("42.1"), None));
        let r = parse("3.19.1", Some(Family::ALPINE));
        assert_eq!((r.name.as_str(), r.version.as_deref()), ("Alpine Linux", Some("3.19.1")));
        let r = parse("", Some(Family::ARCH));
        assert_eq!((r.name.as_str(), r.version), ("Arch Linux", None));
        let r = parse("Slackware 14.1", Some(Family::SLACKWARE));
        assert_eq!((r.name.as_str(), r.version.as_deref()), ("Slackware", Some("14.1")));
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz_input::{config, fixture, text_from};

    const SEEDS: &[&str] =
        &[fixture!("distros/centos7/etc/redhat-release"), fixture!("distros/slackware14/etc/slackware-version")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn release_lines_never_panic(text in text_from(SEEDS), family in proptest::option::of(proptest::sample::select(&["redhat", "centos", "SuSE", "gentoo", "slackware", "alpine"][..]))) {
            let _ = parse(&text, family.and_then(Family::by_name));
        }
    }
}
