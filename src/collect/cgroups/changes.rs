//! Which hierarchies may have had cgroups made or removed since they were last walked,
//! from the counts the kernel keeps: `/proc/cgroups` (`num_cgroups` of each v1
//! controller, the same for every controller of one hierarchy) and `cgroup.stat`
//! `nr_descendants` at the top of each v2 hierarchy. Both are read through kept
//! descriptors: two `pread`s a reading instead of listing every cgroup directory (3,000
//! at 500 cgroups on a hybrid host), and only the hierarchies whose count moved are
//! listed again.
//!
//! A cgroup removed and another made in the same window leave the counts as they were;
//! the sampler notices the removal (the cgroup's files cannot be read) and walks then.

use super::Hierarchy;
use crate::collect::kept::KeptReader;
use crate::source::Source;

/// One count per hierarchy, in the sampler's order; `None` where it cannot be read (a
/// fixture tree without the files, a kernel without `cgroup.stat`): that hierarchy is
/// walked on a clock instead.
pub type Counts = Vec<Option<u64>>;

pub struct TreeCounts {
    proc_cgroups: KeptReader,
    /// Per hierarchy: its `cgroup.stat` (v2), or the controllers to look up (v1).
    sources: Vec<CountSource>,
    at_last_walk: Counts,
}

enum CountSource {
    Stat(KeptReader),
    Controllers(Vec<String>),
}

impl TreeCounts {
    pub fn new(source: &Source, hierarchies: &[Hierarchy]) -> Self {
        let kept = |path| KeptReader::counted_by(path, &super::KEPT);
        let sources = hierarchies
            .iter()
            .map(|h| match h.v2 {
                true => CountSource::Stat(kept(h.top.join("cgroup.stat"))),
                false => CountSource::Controllers(h.controllers.clone()),
            })
            .collect();
        Self { proc_cgroups: kept(source.path("/proc/cgroups")), sources, at_last_walk: Vec::new() }
    }

    /// The counts as they are now.
    pub fn now(&mut self) -> Counts {
        let proc_cgroups = self.proc_cgroups.read_text().unwrap_or("");
        self.sources
            .iter_mut()
            .map(|source| match source {
                CountSource::Stat(reader) => reader.read_text().and_then(nr_descendants),
                CountSource::Controllers(names) => num_cgroups(proc_cgroups, names),
            })
            .collect()
    }

    /// Whether hierarchy `i`'s count differs from the one its last walk started from;
    /// `None` when either is unknown.
    pub fn changed(&self, now: &Counts, i: usize) -> Option<bool> {
        Some(now.get(i).copied()?? != self.at_last_walk.get(i).copied()??)
    }

    /// Remembers the counts a walk started from.
    pub fn walked(&mut self, counts: Counts) {
        self.at_last_walk = counts;
    }
}

/// `nr_descendants` of a `cgroup.stat` (dying descendants, freed at the kernel's
/// leisure, are left out).
fn nr_descendants(text: &str) -> Option<u64> {
    text.lines().find_map(|l| l.strip_prefix("nr_descendants ")?.trim().parse().ok())
}

/// `num_cgroups` of the first of `controllers` listed in `/proc/cgroups`
/// (`subsys_name hierarchy num_cgroups enabled`).
fn num_cgroups(text: &str, controllers: &[String]) -> Option<u64> {
    text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let name = words.next()?;
        controllers.iter().any(|c| c == name).then_some(())?;
        words.nth(1)?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_hierarchy_s_count_comes_from_its_own_line_or_file() {
        let proc_cgroups =
            "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t2\t12\t1\ncpuacct\t2\t12\t1\nmemory\t4\t66\t1\n";
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(num_cgroups(proc_cgroups, &names(&["rw", "cpu", "cpuacct"])), Some(12));
        assert_eq!(num_cgroups(proc_cgroups, &names(&["memory"])), Some(66));
        assert_eq!(num_cgroups(proc_cgroups, &names(&["pids"])), None);
        assert_eq!(num_cgroups("garbage\n", &names(&["garbage"])), None);
        assert_eq!(nr_descendants("nr_descendants 501\nnr_subsys_cpu 3\nnr_dying_descendants 7\n"), Some(501));
        assert_eq!(nr_descendants("nr_dying_descendants 7\n"), None);
    }

    #[test]
    fn a_change_is_told_only_against_a_walk_and_known_counts() {
        let mut counts = TreeCounts {
            proc_cgroups: KeptReader::counted_by("/nonexistent".into(), &super::super::KEPT),
            sources: Vec::new(),
            at_last_walk: Vec::new(),
        };
        assert_eq!(counts.changed(&vec![Some(1)], 0), None, "no walk yet");
        counts.walked(vec![Some(1), None, Some(5)]);
        assert_eq!(counts.changed(&vec![Some(1), Some(2), Some(6)], 0), Some(false));
        assert_eq!(counts.changed(&vec![Some(1), Some(2), Some(6)], 1), None);
        assert_eq!(counts.changed(&vec![Some(1), Some(2), Some(6)], 2), Some(true));
    }
}
