//! What the user has chosen to see: which table has focus, how processes are sorted
//! and filtered, where each table is scrolled, whether help is open. Keys change it;
//! the panels read it. The sorted, filtered process order is cached until the process
//! table, the sort or the filter changes.

use crate::collect::procs::{ProcessRow, Processes};
use crate::ui::table::{Motion, Scroll};
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
    scrolls: [Scroll; 4],
    /// The repeated-binaries table scrolls only as far as it is drawn (it never has focus).
    pub repeated_scroll: Scroll,
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
        self.scrolls[self.focus.index()].apply(motion);
    }

    pub fn sort_by(&mut self, sort: SortBy) {
        self.sort = sort;
        self.scrolls[Focus::Processes.index()].offset = 0;
    }

    pub fn filter_changed(&mut self) {
        self.scrolls[Focus::Processes.index()].offset = 0;
    }

    /// Indices into `processes.list`, filtered and sorted as chosen.
    pub fn process_order(&mut self, processes: &Arc<Processes>) -> &[u32] {
        self.order.get(processes, self.sort, &self.filter.text)
    }

    /// The process order together with the process table's scroll, to draw it.
    pub fn process_table(&mut self, processes: &Arc<Processes>) -> (&[u32], &mut Scroll) {
        let order = self.order.get(processes, self.sort, &self.filter.text);
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
    rows: Vec<u32>,
}

impl ProcessOrder {
    fn get(&mut self, processes: &Arc<Processes>, sort: SortBy, filter: &str) -> &[u32] {
        let fresh = self.source.as_ref().is_some_and(|s| Arc::ptr_eq(s, processes))
            && self.sort == sort
            && self.filter == filter;
        if !fresh {
            let needle = filter.to_lowercase();
            let list = &processes.list;
            self.rows.clear();
            self.rows.extend(
                (0..list.len() as u32)
                    .filter(|&i| needle.is_empty() || list[i as usize].name.to_lowercase().contains(&needle)),
            );
            let key = |i: &u32| &list[*i as usize];
            match sort {
                SortBy::Cpu => self.rows.sort_by(|a, b| by_cpu(key(a), key(b))),
                SortBy::Memory => self.rows.sort_by(|a, b| key(b).rss_bytes.cmp(&key(a).rss_bytes).then(a.cmp(b))),
            }
            self.source = Some(processes.clone());
            self.sort = sort;
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
