//! Whether cgroups may have been made or removed since the tree was last walked, from
//! two counts the kernel keeps: `/proc/cgroups` (`num_cgroups` of each v1 controller's
//! hierarchy) and `cgroup.stat` `nr_descendants` at the top of each v2 hierarchy. Both
//! are read through kept descriptors: two `pread`s a reading instead of listing every
//! cgroup directory of every hierarchy (3,000 at 500 cgroups on a hybrid host).
//!
//! A cgroup removed and another made in the same window leave the counts as they were;
//! the sampler notices the removal (the cgroup's files cannot be read) and walks then.

use super::Hierarchy;
use crate::collect::kept::KeptReader;
use crate::source::Source;

pub struct TreeCounts {
    readers: Vec<KeptReader>,
    at_last_walk: Option<Vec<u64>>,
}

impl TreeCounts {
    pub fn new(source: &Source, hierarchies: &[Hierarchy]) -> Self {
        let kept = |path| KeptReader::counted_by(path, &super::KEPT);
        let mut readers = vec![kept(source.path("/proc/cgroups"))];
        readers.extend(hierarchies.iter().filter(|h| h.v2).map(|h| kept(h.top.join("cgroup.stat"))));
        Self { readers, at_last_walk: None }
    }

    /// The counts as they are now; `None` where none can be read (a fixture tree
    /// without them, an old kernel without `cgroup.stat`: then walks come on a clock).
    pub fn now(&mut self) -> Option<Vec<u64>> {
        let mut counts = Vec::new();
        for reader in &mut self.readers {
            let Some(text) = reader.read_text() else { continue };
            counts.extend(counts_in(text));
            counts.push(u64::MAX); // which file the counts before came from
        }
        (!counts.is_empty()).then_some(counts)
    }

    /// Whether `now` differs from the counts of the last walk; `None` when unknown.
    pub fn changed(&self, now: &Option<Vec<u64>>) -> Option<bool> {
        Some(now.as_ref()? != self.at_last_walk.as_ref()?)
    }

    /// Remembers the counts a walk started from.
    pub fn walked(&mut self, counts: Option<Vec<u64>>) {
        self.at_last_walk = counts;
    }
}

/// `num_cgroups` of every `/proc/cgroups` line, or `nr_descendants` of a `cgroup.stat`
/// (whose dying descendants, freed at the kernel's leisure, are left out).
fn counts_in(text: &str) -> impl Iterator<Item = u64> + '_ {
    text.lines().filter_map(|line| {
        let mut words = line.split_whitespace();
        let first = words.next()?;
        if first == "nr_descendants" {
            return words.next()?.parse().ok();
        }
        // subsys_name hierarchy num_cgroups enabled; the header starts with '#'.
        words.nth(1)?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_come_from_both_files_and_dying_cgroups_are_left_out() {
        let proc_cgroups = "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t12\t1\nmemory\t4\t66\t1\n";
        assert_eq!(counts_in(proc_cgroups).collect::<Vec<_>>(), [12, 66]);
        let stat = "nr_descendants 501\nnr_subsys_cpu 3\nnr_dying_descendants 7\n";
        assert_eq!(counts_in(stat).collect::<Vec<_>>(), [501]);
        assert_eq!(counts_in("garbage\n\n").count(), 0);
    }

    #[test]
    fn a_change_is_told_only_against_a_walk_and_known_counts() {
        let mut counts = TreeCounts { readers: Vec::new(), at_last_walk: None };
        assert_eq!(counts.changed(&Some(vec![1])), None, "no walk yet");
        counts.walked(Some(vec![1, u64::MAX]));
        assert_eq!(counts.changed(&Some(vec![1, u64::MAX])), Some(false));
        assert_eq!(counts.changed(&Some(vec![2, u64::MAX])), Some(true));
        assert_eq!(counts.changed(&None), None);
    }
}
