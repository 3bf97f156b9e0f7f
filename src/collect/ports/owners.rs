//! Which process holds a socket: the socket's inode appears as a `socket:[INODE]` link in
//! that process's `/proc/[pid]/fd`. Reading every fd of every process is what makes
//! `ss -p` and `lsof -i` slow on a busy machine, so:
//! - where an inode was found last time (pid and fd number), one readlink confirms it;
//! - otherwise processes are scanned in pid order (a forking daemon's master before its
//!   workers; pid 1 last, see [`OwnerFinder::scan`]), stopping as soon as every wanted
//!   inode is found;
//! - inodes a full scan could not find (another user's process, a socket held only by the
//!   kernel or by a process outside this pid namespace) are not searched for again for
//!   [`RETRY_MISSED`]: a scan for a new socket may still meet them, but does not go on
//!   to the last process for their sake.
//!
//! Kernel threads need no special case: their fd table is empty, and listing an empty
//! directory costs no more than any test that would tell them apart.

use crate::source::Source;
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long an inode that a full scan could not find is left alone. Such an owner
/// mostly stays out of reach (another pid namespace, the kernel, another user), while a
/// full walk costs ~150 ms at 3,000 processes; a new listener is looked for at once
/// whatever this says.
const RETRY_MISSED: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// `/proc/[pid]/comm`; `None` when the process ended in the meantime.
    pub name: Option<String>,
}

/// Where a socket's fd was last seen.
#[derive(Debug, Clone, Copy)]
struct Seen {
    pid: u32,
    fd: u32,
}

pub struct OwnerFinder {
    proc_dir: PathBuf,
    seen: HashMap<u64, Seen>,
    missed: HashMap<u64, Instant>,
}

impl OwnerFinder {
    pub fn new(source: &Source) -> Self {
        Self { proc_dir: source.path("/proc"), seen: HashMap::new(), missed: HashMap::new() }
    }

    /// The owner of each of `inodes` that could be found. Inode 0 (a socket with no file,
    /// opened by the kernel itself) has none.
    pub fn resolve(&mut self, inodes: &[u64]) -> HashMap<u64, Owner> {
        let wanted: HashSet<u64> = inodes.iter().copied().filter(|&i| i != 0).collect();
        self.seen.retain(|inode, _| wanted.contains(inode));
        self.missed.retain(|inode, _| wanted.contains(inode));

        let proc_dir = &self.proc_dir;
        self.seen.retain(|&inode, seen| {
            let fd = proc_dir.join(seen.pid.to_string()).join("fd").join(seen.fd.to_string());
            link_inode(&fd) == Some(inode)
        });

        // Search for the inodes not seen before and those whose last miss is old; pick up
        // the recently missed ones only if the walk meets them anyway.
        let now = Instant::now();
        let (mut sought, mut incidental): (HashSet<u64>, HashSet<u64>) = wanted
            .iter()
            .filter(|i| !self.seen.contains_key(i))
            .partition(|i| self.missed.get(i).is_none_or(|&at| now.duration_since(at) >= RETRY_MISSED));
        if !sought.is_empty() {
            self.scan(&mut sought, &mut incidental);
            for inode in sought {
                self.missed.insert(inode, now);
            }
        }

        let mut names: HashMap<u32, Option<String>> = HashMap::new();
        self.seen
            .iter()
            .map(|(&inode, seen)| {
                let name = names.entry(seen.pid).or_insert_with(|| self.comm(seen.pid)).clone();
                (inode, Owner { pid: seen.pid, name })
            })
            .collect()
    }

    /// Walks `/proc/[pid]/fd` in pid order until every inode in `sought` is found,
    /// removing found inodes from `sought` and `incidental`. Unreadable and vanished
    /// processes are passed over.
    fn scan(&mut self, sought: &mut HashSet<u64>, incidental: &mut HashSet<u64>) {
        let Ok(entries) = std::fs::read_dir(&self.proc_dir) else {
            return;
        };
        let mut pids: Vec<u32> = entries.filter_map(|e| parse_u32(&e.ok()?.file_name())).collect();
        // pid 1 last: systemd holds every socket it activates, and the daemon it handed the
        // socket to is the owner worth naming.
        pids.sort_unstable_by_key(|&pid| (pid == 1, pid));
        let mut fd_dir = self.proc_dir.clone();
        for pid in pids {
            if sought.is_empty() {
                return;
            }
            fd_dir.push(pid.to_string());
            fd_dir.push("fd");
            if let Ok(fds) = std::fs::read_dir(&fd_dir) {
                for fd in fds.filter_map(|e| e.ok()) {
                    let Some(inode) = link_inode(&fd.path()).filter(|i| sought.remove(i) || incidental.remove(i))
                    else {
                        continue;
                    };
                    let fd_number = parse_u32(&fd.file_name()).unwrap_or_default();
                    self.seen.insert(inode, Seen { pid, fd: fd_number });
                }
            }
            fd_dir.pop();
            fd_dir.pop();
        }
    }

    fn comm(&self, pid: u32) -> Option<String> {
        let comm = std::fs::read_to_string(self.proc_dir.join(pid.to_string()).join("comm")).ok()?;
        let comm = comm.trim_end_matches('\n');
        (!comm.is_empty()).then(|| comm.to_string())
    }
}

/// The socket inode an fd link points to; `None` for other files and unreadable links.
fn link_inode(fd: &Path) -> Option<u64> {
    socket_inode(&std::fs::read_link(fd).ok()?)
}

/// The inode of a `socket:[12345]` link target.
fn socket_inode(target: &Path) -> Option<u64> {
    let s = target.to_str()?;
    s.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
}

fn parse_u32(name: &OsStr) -> Option<u32> {
    name.to_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links_parse() {
        assert_eq!(socket_inode(Path::new("socket:[12345]")), Some(12345));
        assert_eq!(socket_inode(Path::new("pipe:[12345]")), None);
        assert_eq!(socket_inode(Path::new("/dev/null")), None);
        assert_eq!(socket_inode(Path::new("socket:[]")), None);
    }
}
