//! What the user chose for the cgroup tree (shown in place of the process table with
//! `S`): whether it is open, its sort, which branches are folded, which cgroup is
//! selected, where it is scrolled; and the order that gives — each cgroup under its parent, siblings sorted,
//! a filter keeping the matches and the cgroups above them.

use crate::collect::cgroups::Cgroup;
use crate::ui::table::{Motion, Scroll};
use std::collections::{HashMap, HashSet};

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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CgroupView {
    pub open: bool,
    pub sort: CgroupSort,
    /// Whether every branch starts folded (`*` switches); `toggled` holds the branches
    /// folded or unfolded otherwise, one at a time, with `←` and `→`.
    pub all_folded: bool,
    pub toggled: HashSet<String>,
    /// The selected cgroup's path (`↑` `↓` move it, `←` `→` fold at it): a path, not a
    /// row, so that it stays on its cgroup when the tree re-sorts.
    pub selected: Option<String>,
    /// The rows the last frame drew, for the keys to move in.
    pub drawn: Vec<DrawnRow>,
    pub scroll: Scroll,
}

/// A row as drawn: what `←` and `→` need to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnRow {
    pub path: String,
    pub depth: usize,
    pub has_children: bool,
    pub folded: bool,
}

impl CgroupView {
    pub fn is_folded(&self, path: &str) -> bool {
        self.all_folded != self.toggled.contains(path)
    }

    fn set_folded(&mut self, path: &str, folded: bool) {
        if folded == self.all_folded {
            self.toggled.remove(path);
        } else {
            self.toggled.insert(path.to_string());
        }
    }

    /// `*`: every branch folded, or every branch unfolded.
    pub fn fold_all(&mut self) {
        self.all_folded = !self.all_folded;
        self.toggled.clear();
    }

    /// Where the selection is among the drawn rows (the first row when it is on none).
    pub fn selected_row(&self) -> usize {
        let path = self.selected.as_deref();
        self.drawn.iter().position(|r| Some(r.path.as_str()) == path).unwrap_or(0)
    }

    fn select(&mut self, row: usize) {
        self.selected = self.drawn.get(row).map(|r| r.path.clone());
    }

    pub fn move_selection(&mut self, motion: Motion) {
        let (at, last, page) = (self.selected_row(), self.drawn.len().saturating_sub(1), self.scroll.page.max(1));
        let to = match motion {
            Motion::Up => at.saturating_sub(1),
            Motion::Down => at + 1,
            Motion::PageUp => at.saturating_sub(page),
            Motion::PageDown => at + page,
            Motion::Home => 0,
            Motion::End => last,
        };
        self.select(to.min(last));
    }

    /// `→`: unfolds the selected branch, or steps into it when it is open.
    pub fn expand(&mut self) {
        let at = self.selected_row();
        let Some(row) = self.drawn.get(at).filter(|r| r.has_children) else { return };
        if row.folded {
            let path = row.path.clone();
            self.set_folded(&path, false);
            self.selected = Some(path);
        } else if self.drawn.get(at + 1).is_some_and(|next| next.depth > row.depth) {
            self.select(at + 1);
        }
    }

    /// `←`: folds the selected branch, or steps out to its parent when it is folded or
    /// has no branch.
    pub fn collapse(&mut self) {
        let at = self.selected_row();
        let Some(row) = self.drawn.get(at) else { return };
        if row.has_children && !row.folded {
            let path = row.path.clone();
            self.set_folded(&path, true);
            self.selected = Some(path);
        } else if let Some(parent) = self.drawn[..at].iter().rposition(|r| r.depth < row.depth) {
            self.select(parent);
        }
    }
}

/// One row of the tree: the cgroup's index, its depth in the tree, whether it has
/// children and whether they are hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    pub index: usize,
    pub depth: usize,
    pub has_children: bool,
    pub folded: bool,
}

/// The rows of the tree: depth first, siblings sorted by `sort` (largest first, then by
/// name), the children of a branch `folded` says of left out; with a `filter` only the
/// cgroups whose name or path contains it (case-insensitive) and those above them, every
/// branch unfolded so that the matches show.
pub fn tree(list: &[Cgroup], sort: CgroupSort, folded: impl Fn(&str) -> bool, filter: &str) -> Vec<TreeRow> {
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
        let has_children = !children[i].is_empty();
        let folded = has_children && needle.is_empty() && folded(&list[i].path);
        rows.push(TreeRow { index: i, depth, has_children, folded });
        if !folded {
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
        let rows = tree(&list, CgroupSort::Cpu, |_| false, "");
        assert_eq!(
            names(&list, &rows),
            ["user.slice", "  user-1000.slice", "    session-3.scope", "system.slice", "  b.service", "  a.service"]
        );
        assert_eq!(names(&list, &tree(&list, CgroupSort::Cpu, |_| true, "")), ["user.slice", "system.slice"]);
        assert!(rows[0].has_children && !rows[2].has_children && !rows[0].folded);
        // A filter keeps the matches and what is above them, folded or not.
        assert_eq!(names(&list, &tree(&list, CgroupSort::Cpu, |_| true, "A.SERV")), ["system.slice", "  a.service"]);
    }

    /// The view after a frame drew `list`, as the tree panel leaves it.
    fn drawn(view: &mut CgroupView, list: &[Cgroup]) -> Vec<String> {
        let rows = tree(list, CgroupSort::Cpu, |p| view.is_folded(p), "");
        view.drawn = rows
            .iter()
            .map(|r| DrawnRow {
                path: list[r.index].path.clone(),
                depth: r.depth,
                has_children: r.has_children,
                folded: r.folded,
            })
            .collect();
        names(list, &rows)
    }

    #[test]
    fn left_and_right_fold_the_selected_branch_only_and_star_folds_all() {
        let list = vec![
            cgroup("/system.slice", 30.0),
            cgroup("/system.slice/a.service", 10.0),
            cgroup("/user.slice", 50.0),
            cgroup("/user.slice/user-1000.slice", 50.0),
            cgroup("/user.slice/user-1000.slice/session-3.scope", 50.0),
        ];
        let mut view = CgroupView::default();
        assert_eq!(drawn(&mut view, &list).len(), 5, "all unfolded at first");
        // ← on user.slice (selected by default: the first row) folds it alone.
        view.collapse();
        assert_eq!(drawn(&mut view, &list), ["user.slice", "system.slice", "  a.service"]);
        view.move_selection(Motion::Down);
        assert_eq!(view.selected.as_deref(), Some("/system.slice"));
        view.move_selection(Motion::Up);
        // → unfolds it again, a second → steps into it.
        view.expand();
        assert_eq!(drawn(&mut view, &list).len(), 5);
        view.expand();
        assert_eq!(view.selected.as_deref(), Some("/user.slice/user-1000.slice"));
        // ← on a leaf or a folded branch goes to its parent.
        view.move_selection(Motion::Down);
        view.collapse();
        assert_eq!(view.selected.as_deref(), Some("/user.slice/user-1000.slice"));
        view.collapse();
        assert_eq!(drawn(&mut view, &list), ["user.slice", "  user-1000.slice", "system.slice", "  a.service"]);
        // * folds every branch, then unfolds every branch, forgetting the single ones.
        view.fold_all();
        assert_eq!(drawn(&mut view, &list), ["user.slice", "system.slice"]);
        view.fold_all();
        assert_eq!(drawn(&mut view, &list).len(), 5);
        view.move_selection(Motion::End);
        assert_eq!(view.selected.as_deref(), Some("/system.slice/a.service"));
        view.move_selection(Motion::Down);
        assert_eq!(view.selected.as_deref(), Some("/system.slice/a.service"), "stays on the last row");
    }
}
