//! What the user has chosen to see: which table has focus, how processes are sorted
//! and filtered, where each table is scrolled, whether help is open. Keys change it;
//! the panels read it. So is the moment shown: live, or one of history's samples.
//! The sorted, filtered process order is cached until the process table, the sort or
//! the filter changes.

use crate::collect::procs::{ProcessRow, Processes};
use crate::ui::cgroup_order::{CgroupSort, CgroupView};
use crate::ui::layout::Areas;
use crate::ui::table::{HeaderCells, Motion, Scroll};
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

/// The process table's sort: numbers the busiest first, names alphabetically.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    Pid,
    User,
    #[default]
    Cpu,
    Memory,
    Threads,
    Name,
}

impl SortBy {
    /// In the order of the table's columns, which `<` and `>` step through.
    const ORDER: [SortBy; 6] = [SortBy::Pid, SortBy::User, SortBy::Cpu, SortBy::Memory, SortBy::Threads, SortBy::Name];

    /// The sort a click on this column title asks for.
    pub fn of_column(title: &str) -> Option<SortBy> {
        Some(match title {
            "PID" => SortBy::Pid,
            "USER" => SortBy::User,
            "CPU%" => SortBy::Cpu,
            "MEM" => SortBy::Memory,
            "THR" => SortBy::Threads,
            "NAME" | "COMMAND" => SortBy::Name,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Pid => "by PID",
            SortBy::User => "by user",
            SortBy::Cpu => "by CPU",
            SortBy::Memory => "by mem",
            SortBy::Threads => "by threads",
            SortBy::Name => "by name",
        }
    }

    fn step(self, by: isize) -> SortBy {
        let at = Self::ORDER.iter().position(|&s| s == self).unwrap_or(0) as isize;
        Self::ORDER[(at + by).rem_euclid(Self::ORDER.len() as isize) as usize]
    }
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
    /// The full-screen timeline (`e`) and how far it is scrolled, in events.
    pub timeline_open: bool,
    pub timeline_offset: usize,
    scrolls: [Scroll; 4],
    /// Where the last frame drew each table, for the mouse.
    pub drawn: Option<Areas>,
    /// Where it drew the column titles of the table in the processes' place.
    pub process_header: HeaderCells,
    /// The repeated-binaries table scrolls only as far as it is drawn (it never has focus).
    pub repeated_scroll: Scroll,
    /// The cgroup tree shown in place of the processes, and the Services panel's scroll.
    pub cgroups: CgroupView,
    pub services_scroll: Scroll,
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
            Focus::Processes if self.cgroups.open => self.cgroups.move_selection(motion),
            focus => self.scrolls[focus.index()].apply(motion),
        }
    }

    pub fn sort_by(&mut self, sort: SortBy) {
        self.sort = sort;
        self.scrolls[Focus::Processes.index()].offset = 0;
    }

    /// `<` / `>`: the sort of the column left or right of the current one.
    pub fn step_sort(&mut self, by: isize) {
        self.sort_by(self.sort.step(by));
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

    /// A click focuses the table under it; on a column title of the processes (or the
    /// cgroup tree in their place) it also sorts by that column. Help and the full-screen
    /// timeline cover the tables, so a click there does nothing.
    pub fn click(&mut self, at: Position) {
        if self.help || self.timeline_open {
            return;
        }
        if let Some(table) = self.table_at(at) {
            self.focus = table;
        }
        let Some(title) = self.process_header.title_at(at) else { return };
        if self.cgroups.open {
            if let Some(sort) = CgroupSort::of_column(title) {
                self.cgroups.sort = sort;
            }
        } else if let Some(sort) = SortBy::of_column(title) {
            self.sort_by(sort);
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
            // Ties keep the table's order (by PID), so equal rows do not swap between frames.
            match sort {
                SortBy::Pid => {}
                SortBy::User => self.rows.sort_by(|a, b| key(a).user.cmp(&key(b).user)),
                SortBy::Cpu => self.rows.sort_by(|a, b| by_cpu(key(a), key(b))),
                SortBy::Memory => self.rows.sort_by_key(|i| std::cmp::Reverse(key(i).rss_bytes)),
                SortBy::Threads => self.rows.sort_by_key(|i| std::cmp::Reverse(key(i).threads)),
                SortBy::Name => self.rows.sort_by_cached_key(|&i| list[i as usize].name.to_lowercase()),
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
    fn a_click_on_a_column_title_sorts_by_it_and_lt_gt_step_through_the_columns() {
        let procs = Arc::new(Processes {
            list: vec![row(1, "zsh", 0.0, 10), row(2, "Apache2", 50.0, 5), row(3, "cron", 1.0, 99)],
            ..Processes::default()
        });
        let mut view = View {
            drawn: Some(Areas { processes: Rect::new(0, 10, 80, 10), ..Areas::default() }),
            process_header: HeaderCells { y: 11, cells: vec![("PID", 3, 7), ("MEM", 11, 5), ("NAME", 17, 8)] },
            ..View::default()
        };
        view.click(Position::new(20, 11));
        assert_eq!((view.sort, view.process_order(&procs)), (SortBy::Name, &[1, 2, 0][..]));
        view.click(Position::new(12, 11));
        assert_eq!((view.sort, view.process_order(&procs)), (SortBy::Memory, &[2, 0, 1][..]));
        view.click(Position::new(12, 12));
        assert_eq!(view.sort, SortBy::Memory, "a row is not a title");
        view.step_sort(-1);
        assert_eq!(view.sort, SortBy::Cpu);
        view.step_sort(-3);
        assert_eq!(view.sort, SortBy::Name, "from the first column round to the last");
        view.help = true;
        view.click(Position::new(4, 11));
        assert_eq!(view.sort, SortBy::Name, "help covers the table");
        view.help = false;
        view.click(Position::new(4, 11));
        assert_eq!((view.sort, view.process_order(&procs)), (SortBy::Pid, &[0, 1, 2][..]));
        view.cgroups.open = true;
        view.process_header = HeaderCells { y: 11, cells: vec![("NAME", 3, 16), ("MEM", 20, 5)] };
        view.click(Position::new(21, 11));
        assert_eq!(
            (view.cgroups.sort, view.sort),
            (CgroupSort::Memory, SortBy::Pid),
            "the tree sorts, not the processes"
        );
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
