//! What the user has chosen to see: which table has focus, how processes are sorted
//! and filtered, where each table is scrolled, whether help is open. Keys change it;
//! the panels read it. So is the moment shown: live, or one of history's samples.
//! The sorted, filtered process order is cached until the process table, the sort or
//! the filter changes.

use crate::collect::procs::{ProcessRow, Processes};
use crate::ui::cgroup_order::CgroupView;
use crate::ui::layout::Areas;
use crate::ui::table::{Motion, Scroll};
use ratatui::layout::{Position, Rect};
use std::sync::Arc;

/// The tables that take focus, in Tab order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Processes,
    Filesystems,
    Network,
    Ports,
}

impl Focus {
    const ORDER: [Focus; 4] = [Focus::Processes, Focus::Filesystems, Focus::Network, Focus::Ports];

    fn index(self) -> usize {
        self as usize
    }

    fn step(self, by: isize) -> Focus {
        let n = Self::ORDER.len() as isize;
        Self::ORDER[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Cpu,
    Memory,
}

/// The filter being typed after `/`, or kept after Enter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    pub editing: bool,
}

#[derive(Debug, Default)]
pub struct View {
    pub focus: Focus,
    pub sort: SortBy,
    pub filter: Filter,
    pub help: bool,
    /// Kernel threads listed among the processes (`K`); hidden by default, as in htop.
    pub kernel_threads: bool,
    /// The moment shown (epoch ms of a history sample); `None` follows the newest.
    pub moment: Option<i64>,
    /// The time being typed after `b`, and why the last one could not be used.
    pub jump: Option<String>,
    pub jump_error: Option<String>,
    /// The replay's line for the header (`--replay`), as of the last frame.
    pub replay: Option<String>,
    /// The full-screen timeline (`e`) and how far it is scrolled, in events.
    pub timeline_open: bool,
    pub timeline_offset: usize,
    scrolls: [Scroll; 4],
    /// Where the last frame drew each table, for the mouse.
    pub drawn: Option<Areas>,
    /// The repeated-binaries table scrolls only as far as it is drawn (it never has focus).
    pub repeated_scroll: Scroll,
    /// The cgroup tree shown in place of the processes, and the Services panel's scroll.
    pub cgroups: CgroupView,
    pub services_scroll: Scroll,
    /// The deepest level the tree drew, for `←` to fold from.
    pub cgroups_deepest: usize,
    /// The disk I/O table likewise.
    pub disk_scroll: Scroll,
    order: ProcessOrder,
}

impl View {
    pub fn scroll(&mut self, table: Focus) -> &mut Scroll {
        &mut self.scrolls[table.index()]
    }

    pub fn move_focus(&mut self, by: isize) {
        self.focus = self.focus.step(by);
    }

    pub fn scroll_focused(&mut self, motion: Motion) {
        match self.focus {
            Focus::Processes if self.cgroups.open => self.cgroups.scroll.apply(motion),
            focus => self.scrolls[focus.index()].apply(motion),
        }
    }

    pub fn sort_by(&mut self, sort: SortBy) {
        self.sort = sort;
        self.scrolls[Focus::Processes.index()].offset = 0;
    }

    /// What Esc does: closes the topmost thing open (help, then a kept filter, then the
    /// cgroup tree), and nothing when nothing is.
    pub fn close_topmost(&mut self) {
        if self.help {
            self.help = false;
        } else if !self.filter.text.is_empty() {
            self.filter.text.clear();
            self.filter_changed();
        } else if self.cgroups.open {
            self.cgroups.open = false;
        }
    }

    /// `S`: the cgroup tree in place of the process table, or back.
    pub fn toggle_cgroup_tree(&mut self) {
        self.cgroups.open = !self.cgroups.open;
        self.focus = Focus::Processes;
    }

    /// The focusable table drawn at this cell of the last frame.
    pub fn table_at(&self, at: Position) -> Option<Focus> {
        let a = self.drawn.as_ref()?;
        let tables: [(Rect, Focus); 4] = [
            (a.processes, Focus::Processes),
            (a.filesystems, Focus::Filesystems),
            (a.network, Focus::Network),
            (a.ports, Focus::Ports),
        ];
        tables.into_iter().find(|(area, _)| area.contains(at)).map(|(_, table)| table)
    }

    /// A click focuses the table under it.
    pub fn click(&mut self, at: Position) {
        if let Some(table) = self.table_at(at) {
            self.focus = table;
        }
    }

    /// The wheel scrolls the table under it, three rows a notch (as terminals scroll).
    pub fn wheel(&mut self, at: Position, motion: Motion) {
        if let Some(table) = self.table_at(at) {
            for _ in 0..3 {
                self.scrolls[table.index()].apply(motion);
            }
        }
    }

    pub fn toggle_kernel_threads(&mut self) {
        self.kernel_threads = !self.kernel_threads;
        self.scrolls[Focus::Processes.index()].offset = 0;
    }

    pub fn filter_changed(&mut self) {
        self.scrolls[Focus::Processes.index()].offset = 0;
        self.cgroups.scroll.offset = 0;
    }

    /// Indices into `processes.list`, filtered and sorted as chosen.
    pub fn process_order(&mut self, processes: &Arc<Processes>) -> &[u32] {
        self.order.get(processes, self.sort, &self.filter.text, self.kernel_threads)
    }

    /// The process order together with the process table's scroll, to draw it.
    pub fn process_table(&mut self, processes: &Arc<Processes>) -> (&[u32], &mut Scroll) {
        let order = self.order.get(processes, self.sort, &self.filter.text, self.kernel_threads);
        (order, &mut self.scrolls[Focus::Processes.index()])
    }
}

/// The last sort: recomputed only when its inputs change, so a frame that only ticks
/// the clock does not sort 10,000 rows.
#[derive(Debug, Default)]
struct ProcessOrder {
    /// Kept alive so a new table can never reuse its address.
    source: Option<Arc<Processes>>,
    sort: SortBy,
    filter: String,
    kernel_threads: bool,
    rows: Vec<u32>,
}

impl ProcessOrder {
    fn get(&mut self, processes: &Arc<Processes>, sort: SortBy, filter: &str, kernel_threads: bool) -> &[u32] {
        let fresh = self.source.as_ref().is_some_and(|s| Arc::ptr_eq(s, processes))
            && self.sort == sort
            && self.filter == filter
            && self.kernel_threads == kernel_threads;
        if !fresh {
            let needle = filter.to_lowercase();
            let list = &processes.list;
            self.rows.clear();
            let shown = |p: &ProcessRow| {
                (kernel_threads || !p.kernel_thread) && (needle.is_empty() || p.name.to_lowercase().contains(&needle))
            };
            self.rows.extend((0..list.len() as u32).filter(|&i| shown(&list[i as usize])));
            let key = |i: &u32| &list[*i as usize];
            match sort {
                SortBy::Cpu => self.rows.sort_by(|a, b| by_cpu(key(a), key(b))),
                SortBy::Memory => self.rows.sort_by(|a, b| key(b).rss_bytes.cmp(&key(a).rss_bytes).then(a.cmp(b))),
            }
            self.source = Some(processes.clone());
            self.sort = sort;
            self.kernel_threads = kernel_threads;
            self.filter.clear();
            self.filter.push_str(filter);
        }
        &self.rows
    }
}

fn by_cpu(a: &ProcessRow, b: &ProcessRow) -> std::cmp::Ordering {
    let cpu = |p: &ProcessRow| p.cpu_percent.unwrap_or(0.0);
    cpu(b).total_cmp(&cpu(a)).then(b.rss_bytes.cmp(&a.rss_bytes)).then(a.pid.cmp(&b.pid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pid: u32, name: &str, cpu: f32, rss: u64) -> ProcessRow {
        ProcessRow {
            pid,
            ppid: 1,
            user: "root".into(),
            name: name.into(),
            cmdline: name.into(),
            state: 'S',
            cpu_percent: Some(cpu),
            rss_bytes: rss,
            threads: 1,
            kernel_thread: false,
        }
    }

    #[test]
    fn processes_sort_by_cpu_or_memory_and_filter_by_name() {
        let procs = Arc::new(Processes {
            list: vec![row(1, "init", 0.0, 10), row(2, "apache2", 50.0, 5), row(3, "Apache2", 1.0, 99)],
            ..Processes::default()
        });
        let mut view = View::default();
        assert_eq!(view.process_order(&procs), &[1, 2, 0]);
        view.sort_by(SortBy::Memory);
        assert_eq!(view.process_order(&procs), &[2, 0, 1]);
        view.filter.text = "apa".into();
        assert_eq!(view.process_order(&procs), &[2, 1]);
    }

    #[test]
    fn kernel_threads_are_hidden_until_k() {
        let kthread = ProcessRow { kernel_thread: true, ..row(2, "kworker/0:1", 3.0, 0) };
        let procs = Arc::new(Processes { list: vec![row(1, "init", 0.0, 10), kthread], ..Processes::default() });
        let mut view = View::default();
        assert_eq!(view.process_order(&procs), &[0]);
        view.toggle_kernel_threads();
        assert_eq!(view.process_order(&procs), &[1, 0]);
        view.toggle_kernel_threads();
        assert_eq!(view.process_order(&procs), &[0]);
    }

    #[test]
    fn a_click_focuses_the_table_under_it_and_the_wheel_scrolls_it() {
        let mut view = View::default();
        let areas = Areas { processes: Rect::new(0, 10, 50, 20), network: Rect::new(40, 2, 40, 8), ..Areas::default() };
        view.click(Position::new(45, 5));
        assert_eq!(view.focus, Focus::Processes, "nothing drawn yet: nothing to click");
        view.drawn = Some(areas);
        view.click(Position::new(45, 5));
        assert_eq!(view.focus, Focus::Network);
        view.scroll(Focus::Processes).len = 100;
        view.scroll(Focus::Processes).page = 10;
        view.wheel(Position::new(3, 20), Motion::Down);
        assert_eq!(view.scroll(Focus::Processes).offset, 3);
        assert_eq!(view.focus, Focus::Network, "the wheel does not move the focus");
        view.wheel(Position::new(79, 0), Motion::Down);
        assert_eq!(view.scroll(Focus::Processes).offset, 3, "no table there");
    }

    #[test]
    fn tab_cycles_through_the_four_tables() {
        let mut view = View::default();
        view.move_focus(1);
        assert_eq!(view.focus, Focus::Filesystems);
        view.move_focus(-2);
        assert_eq!(view.focus, Focus::Ports);
        view.move_focus(1);
        assert_eq!(view.focus, Focus::Processes);
    }
}
