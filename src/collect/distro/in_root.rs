//! Reading a file of the machine under the source root, following symbolic links the
//! way that machine would: an absolute link target (`/etc/os-release ->
//! /usr/lib/os-release`) and `..` are resolved inside the root, never on the host
//! that runs ctop.

use crate::source::Source;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// Linux gives up after 40 links (ELOOP); so does this.
const MAX_LINKS: usize = 40;

/// Where `abs` really is under the root, or `None` for a loop or an unreadable link.
/// A missing file resolves to where it would be, so the caller's read reports it.
pub(super) fn resolve(source: &Source, abs: &str) -> Option<PathBuf> {
    let mut pending: VecDeque<OsString> = components(Path::new(abs)).collect();
    let mut resolved: Vec<OsString> = Vec::new();
    let mut links = 0;
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            resolved.pop();
            continue;
        }
        resolved.push(name);
        let here = source.root().join(resolved.iter().collect::<PathBuf>());
        let Ok(meta) = std::fs::symlink_metadata(&here) else { continue };
        if !meta.file_type().is_symlink() {
            continue;
        }
        links += 1;
        if links > MAX_LINKS {
            return None;
        }
        let target = std::fs::read_link(&here).ok()?;
        resolved.pop();
        if target.is_absolute() {
            resolved.clear();
        }
        for part in components(&target).collect::<Vec<_>>().into_iter().rev() {
            pending.push_front(part);
        }
    }
    Some(source.root().join(resolved.iter().collect::<PathBuf>()))
}

/// The names along a path, `..` kept as a name, the root and `.` dropped.
fn components(path: &Path) -> impl Iterator<Item = OsString> + '_ {
    path.components().filter_map(|c| match c {
        Component::Normal(n) => Some(n.to_os_string()),
        Component::ParentDir => Some(OsString::from("..")),
        Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
    })
}

/// The file's text, links followed inside the root; `None` where missing, unreadable
/// or not text.
pub(super) fn read(source: &Source, abs: &str) -> Option<String> {
    std::fs::read_to_string(resolve(source, abs)?).ok()
}
