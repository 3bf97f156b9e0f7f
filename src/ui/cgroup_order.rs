//! What the user chose for the cgroup tree (shown in place of the process table with
//! `S`): whether it is open, its sort, how many levels are expanded, where it is
//! scrolled; and the order that gives — each cgroup under its parent, siblings sorted,
//! a filter keeping the matches and the cgroups above them.

use crate::collect::cgroups::Cgroup;
use crate::ui::table::Scroll;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CgroupSort {
    #[default]
    Cpu,
    Memory,
    Io,
}

impl CgroupSort {
    /// The sort a click on this column title asks for.
    pub fn of_column(title: &str) -> Option<CgroupSort> {
        Some(match title {
            "CPU%" => Self::Cpu,
            "MEM" => Self::Memory,
            "READ/s" | "WRITE/s" => Self::Io,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Cpu => "by CPU",
            Self::Memory => "by mem",
            Self::Io => "by I/O",
        }
    }
}

/// The most levels the tree can show (systemd nests about 6 deep).
const DEEPEST: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupView {
    pub open: bool,
    pub sort: CgroupSort,
    /// Levels shown below the top (0: only the top level); `←` and `→` change it.
    pub levels: usize,
    pub scroll: Scroll,
}

impl Default for CgroupView {
    fn default() -> Self {
        Self { open: false, sort: CgroupSort::Cpu, levels: DEEPEST, scroll: Scroll::default() }
    }
}

impl CgroupView {
    pub fn collapse(&mut self, deepest_shown: usize) {
        self.levels = self.levels.min(deepest_shown).saturating_sub(1);
    }

    pub fn expand(&mut self) {
        self.levels = (self.levels + 1).min(DEEPEST);
    }
}

/// One row of the tree: the cgroup's index, its depth in the tree, and whether it has
/// children (hidden ones included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    pub index: usize,
    pub depth: usize,
    pub has_children: bool,
}

/// The rows of the tree: depth first, siblings sorted by `sort` (largest first, then by
/// name), no deeper than `levels`, and with a `filter` only the cgroups whose name or
/// path contains it (case-insensitive) and those above them.
pub fn tree(list: &[Cgroup], sort: CgroupSort, levels: usize, filter: &str) -> Vec<TreeRow> {
    let index: HashMap<&str, usize> = list.iter().enumerate().map(|(i, c)| (c.path.as_str(), i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); list.len()];
    let mut parents: Vec<Option<usize>> = vec![None; list.len()];
    let mut roots = Vec::new();
    for (i, c) in list.iter().enumerate() {
        // The nearest listed ancestor (a v1 hierarchy may lack a level in between).
        let mut parent = None;
        let mut path = c.path.as_str();
        while let Some((up, _)) = path.rsplit_once('/') {
            if let Some(&p) = index.get(up) {
                parent = Some(p);
                break;
            }
            path = up;
        }
        parents[i] = parent;
        match parent {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    let key = |i: &usize| -> f64 {
        let c = &list[*i];
        match sort {
            CgroupSort::Cpu => c.cpu_percent.unwrap_or(0.0),
            CgroupSort::Memory => c.memory_bytes.unwrap_or(0) as f64,
            CgroupSort::Io => c.io_bytes_per_s().unwrap_or(0.0),
        }
    };
    let order =
        |v: &mut Vec<usize>| v.sort_by(|a, b| key(b).total_cmp(&key(a)).then(list[*a].name.cmp(&list[*b].name)));
    order(&mut roots);
    children.iter_mut().for_each(order);

    let needle = filter.to_lowercase();
    let mut keep = vec![needle.is_empty(); list.len()];
    if !needle.is_empty() {
        for (i, c) in list.iter().enumerate() {
            if c.name.to_lowercase().contains(&needle) || c.path.to_lowercase().contains(&needle) {
                // This one and every cgroup above it.
                let mut at = Some(i);
                while let Some(n) = at.filter(|&n| !keep[n]) {
                    keep[n] = true;
                    at = parents[n];
                }
            }
        }
    }
    let mut rows = Vec::new();
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        if !keep[i] {
            continue;
        }
        rows.push(TreeRow { index: i, depth, has_children: !children[i].is_empty() });
        if depth < levels {
            stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cgroup(path: &str, cpu: f64) -> Cgroup {
        let name = path.rsplit('/').next().unwrap().to_string();
        Cgroup { path: path.into(), name, cpu_percent: Some(cpu), ..Cgroup::default() }
    }

    fn names(list: &[Cgroup], rows: &[TreeRow]) -> Vec<String> {
        rows.iter().map(|r| format!("{}{}", "  ".repeat(r.depth), list[r.index].name)).collect()
    }

    #[test]
    fn children_follow_their_parent_sorted_and_levels_collapse() {
        // Sorted by path, as the collector gives them.
        let list = vec![
            cgroup("/system.slice", 30.0),
            cgroup("/system.slice/a.service", 10.0),
            cgroup("/system.slice/b.service", 20.0),
            cgroup("/user.slice", 50.0),
            cgroup("/user.slice/user-1000.slice", 50.0),
            cgroup("/user.slice/user-1000.slice/session-3.scope", 50.0),
        ];
        let rows = tree(&list, CgroupSort::Cpu, 16, "");
        assert_eq!(
            names(&list, &rows),
            ["user.slice", "  user-1000.slice", "    session-3.scope", "system.slice", "  b.service", "  a.service"]
        );
        assert_eq!(names(&list, &tree(&list, CgroupSort::Cpu, 0, "")), ["user.slice", "system.slice"]);
        assert!(rows[0].has_children && !rows[2].has_children);
        // A filter keeps the matches and what is above them.
        assert_eq!(names(&list, &tree(&list, CgroupSort::Cpu, 16, "A.SERV")), ["system.slice", "  a.service"]);
        let mut view = CgroupView::default();
        view.collapse(2);
        assert_eq!(view.levels, 1);
        view.expand();
        assert_eq!(view.levels, 2);
    }
}
