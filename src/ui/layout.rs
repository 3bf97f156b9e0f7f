//! What fits at this size: a pure function of the terminal size and how many rows each
//! panel has to show, giving every panel its rectangle. From top to bottom: the header,
//! the problem lines, CPU, memory, then two bands of tables — filesystems over disk
//! I/O beside network, and processes beside a column of repeated binaries over listening ports.
//! The bigger the terminal, the more rows (and, in the panels, columns) each gets.

use ratatui::layout::Rect;

/// Below this the dashboard cannot show every area, and says so instead.
pub const MIN_WIDTH: u16 = 76;
pub const MIN_HEIGHT: u16 = 14;

/// A table's rows that are not data: its title rule and its column header.
pub const TABLE_CHROME: u16 = 2;
/// A table is worth showing with at least one data row.
const MIN_TABLE: u16 = TABLE_CHROME + 1;
/// The network table's width on terminals narrower than 120 columns.
const NARROW_NETWORK_WIDTH: u16 = 49;
/// Width of one per-core usage cell (`  12 [||||||    ]  37%`).
pub const CORE_CELL_WIDTH: u16 = 22;

/// How many rows each panel would like to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub problems: usize,
    pub cores: usize,
    pub filesystems: usize,
    /// Disks in the disk I/O table.
    pub disks: usize,
    /// Lines the network table needs to list every address of every interface.
    pub address_lines: usize,
    pub ports: usize,
    pub processes: usize,
    pub repeated: usize,
    /// Services, containers and pods (cgroups that are not slices).
    pub services: usize,
}

/// Where each panel goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub problems: Rect,
    pub cpu: Rect,
    pub memory: Rect,
    pub filesystems: Rect,
    /// Under the filesystems, in their column.
    pub disk_io: Rect,
    pub network: Rect,
    pub processes: Rect,
    pub repeated: Rect,
    pub ports: Rect,
    /// Services and containers, a band above the processes where the screen is tall
    /// enough; empty (height 0) where it is not.
    pub services: Rect,
    /// The band of history graphs (empty below [`GRAPH_MIN_WIDTH`]×[`GRAPH_MIN_HEIGHT`]).
    pub graphs: Rect,
    /// The problem timeline beside the graphs (empty below [`TIMELINE_MIN_WIDTH`]).
    pub timeline: Rect,
    /// Room for the detailed CPU and memory panels (model line, per-core bars, bars).
    pub detailed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Dashboard(Areas),
    TooSmall,
}

/// Rows taken from the top of an area, one panel after another.
struct Rows {
    area: Rect,
}

impl Rows {
    fn take(&mut self, height: u16) -> Rect {
        let height = height.min(self.area.height);
        let taken = Rect { height, ..self.area };
        self.area.y += height;
        self.area.height -= height;
        taken
    }
}

/// Splits `area` into a left part `left_width` wide and the rest, one column apart.
fn split_columns(area: Rect, left_width: u16) -> (Rect, Rect) {
    let left = Rect { width: left_width, ..area };
    let right_x = area.x + left_width + 1;
    let right = Rect { x: right_x, width: (area.x + area.width).saturating_sub(right_x), ..area };
    (left, right)
}

/// A row count as a height; no terminal is 10,000 rows tall, and sums stay far from overflow.
fn rows(n: usize) -> u16 {
    n.min(10_000) as u16
}

pub fn plan(area: Rect, counts: &Counts) -> Plan {
    let (w, h) = (area.width, area.height);
    if w < MIN_WIDTH || h < MIN_HEIGHT {
        return Plan::TooSmall;
    }
    let detailed = w >= 100 && h >= 32;
    let mut top = Rows { area };
    let header = top.take(2);
    // One shared line below 30 rows; from there a line each, one more per 5 rows (5
    // problems get 5 lines from 45 rows), at most 8.
    let max_problem_lines = if h < 30 { 1 } else { ((h - 30) / 5 + 2).min(8) };
    let problems = top.take(rows(counts.problems).clamp(1, max_problem_lines));
    let (cpu_rows, memory_rows) = if detailed {
        let per_row = (w / CORE_CELL_WIDTH).max(1);
        let core_rows = rows(counts.cores).div_ceil(per_row).min(h / 10);
        (2 + core_rows, 2)
    } else {
        (1, 1)
    };
    let cpu = top.take(cpu_rows);
    let memory = top.take(memory_rows);
    // Where the processes keep 20 rows anyway, the graphs' rows come out of their
    // share, not the first band's (which then lists every address as before).
    let before_graphs = top.area.height;
    let (graphs, timeline) = graph_band(&mut top, w, h, counts);

    // The tables share what is left; processes take whatever the first band leaves.
    let services_height = services_height(h, top.area.height, counts.services);
    let left = top.area.height - services_height;
    // The lower band keeps room for its side column's two tables.
    let half = if left.saturating_sub(before_graphs / 2) >= 20 { before_graphs / 2 } else { left / 2 };
    let upper_cap = half.clamp(MIN_TABLE, left.saturating_sub(2 * MIN_TABLE).max(MIN_TABLE));
    let storage_want = 2 * TABLE_CHROME + rows(counts.filesystems).max(1) + rows(counts.disks).max(1);
    let upper_want = storage_want.max(TABLE_CHROME + rows(counts.address_lines).max(1));
    // Two tables on the left (filesystems over disk I/O) when the side column keeps its
    // two; on the shortest terminals the disk I/O table gets what is left, if anything.
    let upper_min = left.saturating_sub(2 * MIN_TABLE).clamp(MIN_TABLE, 2 * MIN_TABLE);
    let upper_height = upper_want.clamp(upper_min, upper_cap.max(upper_min));
    let upper = top.take(upper_height);
    let services = top.take(services_height);
    let lower = top.take(left - upper_height);

    // On narrow terminals the network table gets the width its key columns need (name,
    // state, address, rates) and the filesystems the rest
    // (and never less than that): 45 % for the filesystems otherwise. Both only grow as the
    // window widens, so no table loses a column when it does.
    let fs_width = (w - NARROW_NETWORK_WIDTH - 1).min((u32::from(w) * 45 / 100) as u16);
    let (storage, network) = split_columns(upper, fs_width);
    let (filesystems, disk_io) = storage_split(storage, counts);
    // 31 at 80 columns: `0.0.0.0:47015 python3/8123 (8)` fits whole.
    let side_width = (u32::from(w) * 3 / 10).clamp(31, 60) as u16;
    let (processes, side) = split_columns(lower, w - side_width - 1);
    let repeated_height =
        side_split(side.height, TABLE_CHROME + rows(counts.repeated), TABLE_CHROME + rows(counts.ports));
    let mut side_rows = Rows { area: side };
    let repeated = side_rows.take(repeated_height);
    let ports = side_rows.take(side.height - repeated_height);

    Plan::Dashboard(Areas {
        header,
        problems,
        cpu,
        memory,
        filesystems,
        disk_io,
        network,
        processes,
        repeated,
        ports,
        services,
        graphs,
        timeline,
        detailed,
    })
}

/// Terminals at least this tall show the Services panel.
const SERVICES_MIN_HEIGHT: u16 = 40;

/// The Services band's height: none on short terminals or without services, else what
/// it wants up to a sixth of the screen, leaving the lower band room for its tables.
fn services_height(h: u16, left: u16, services: usize) -> u16 {
    if h < SERVICES_MIN_HEIGHT || services == 0 {
        return 0;
    }
    let room = left.saturating_sub(4 * MIN_TABLE);
    (TABLE_CHROME + rows(services)).clamp(MIN_TABLE, (h / 6).max(MIN_TABLE)).min(room)
}

/// The graphs need this much room; below it the screen keeps what it had without them.
pub const GRAPH_MIN_WIDTH: u16 = 120;
pub const GRAPH_MIN_HEIGHT: u16 = 40;
/// From this width the timeline panel sits beside the graphs.
pub const TIMELINE_MIN_WIDTH: u16 = 180;

/// The graph band's rows: a title, a chart of four rows, the time axis; down to a chart
/// of two rows where the tables would otherwise have too few.
const GRAPH_ROWS: u16 = 6;
const GRAPH_MIN_ROWS: u16 = 4;
/// The tables keep this many rows beside the graph band when it can give them up: 11
/// each for the two table bands, one more data row than at 80×24, so a bigger terminal
/// never shows fewer processes for showing graphs.
const TABLE_ROWS_BESIDE_GRAPHS: u16 = 22;

/// The band of history graphs under the memory line: 6 rows (4 where the problems and
/// cores take the tables' rows), and the rows the tables below would leave empty (up to
/// 16), with the timeline panel at its right on wide terminals. (More rows by height
/// alone would cost the network table its addresses.)
fn graph_band(top: &mut Rows, w: u16, h: u16, counts: &Counts) -> (Rect, Rect) {
    if w < GRAPH_MIN_WIDTH || h < GRAPH_MIN_HEIGHT {
        return (Rect::default(), Rect::default());
    }
    let base = top.area.height.saturating_sub(TABLE_ROWS_BESIDE_GRAPHS).clamp(GRAPH_MIN_ROWS, GRAPH_ROWS);
    let upper = TABLE_CHROME + rows(counts.filesystems.max(counts.address_lines)).max(1);
    let side = 2 * TABLE_CHROME + rows(counts.repeated) + rows(counts.ports);
    let lower = (TABLE_CHROME + rows(counts.processes)).max(side);
    let slack = top.area.height.saturating_sub(base + upper + lower);
    let band = top.take((base + slack).min(16));
    if w < TIMELINE_MIN_WIDTH {
        return (band, Rect::default());
    }
    let timeline_width = (w / 4).clamp(50, 90);
    let (graphs, timeline) = split_columns(band, w - timeline_width - 1);
    (graphs, timeline)
}

/// The filesystems over the disk I/O table, in the upper band's left column.
fn storage_split(storage: Rect, counts: &Counts) -> (Rect, Rect) {
    let filesystems_height = if storage.height >= 2 * MIN_TABLE {
        side_split(
            storage.height,
            TABLE_CHROME + rows(counts.filesystems).max(1),
            TABLE_CHROME + rows(counts.disks).max(1),
        )
    } else {
        storage.height.min(MIN_TABLE)
    };
    let mut column = Rows { area: storage };
    let filesystems = column.take(filesystems_height);
    (filesystems, column.take(storage.height - filesystems_height))
}

/// The height of the upper of two stacked tables: each gets what it wants if both fit,
/// else the smaller want is met when it is under half, else they halve.
fn side_split(height: u16, upper_want: u16, lower_want: u16) -> u16 {
    let upper = if upper_want + lower_want <= height || upper_want <= height / 2 {
        upper_want
    } else if lower_want <= height / 2 {
        height - lower_want
    } else {
        height / 2
    };
    upper.clamp(MIN_TABLE, height.saturating_sub(MIN_TABLE).max(MIN_TABLE))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUSY: Counts = Counts {
        problems: 5,
        cores: 16,
        filesystems: 40,
        disks: 12,
        address_lines: 30,
        ports: 50,
        processes: 900,
        repeated: 30,
        services: 0,
    };
    const WITH_SERVICES: Counts = Counts { services: 60, ..BUSY };

    fn areas(w: u16, h: u16, counts: &Counts) -> Areas {
        match plan(Rect::new(0, 0, w, h), counts) {
            Plan::Dashboard(a) => a,
            Plan::TooSmall => panic!("{w}x{h} should fit"),
        }
    }

    fn all(a: &Areas) -> Vec<Rect> {
        let mut rects = vec![a.header, a.problems, a.cpu, a.memory, a.filesystems, a.network, a.processes, a.repeated];
        rects.push(a.ports);
        // Below 15 rows the disk I/O table is the one area left out (see `upper_min`).
        if a.disk_io.height > 0 {
            rects.push(a.disk_io);
        }
        rects
    }

    #[test]
    fn every_area_is_on_screen_without_overlap_from_the_minimum_up() {
        for (w, h) in [(MIN_WIDTH, MIN_HEIGHT), (79, 23), (80, 24), (120, 40), (250, 70), (400, 200)] {
            for counts in [Counts::default(), BUSY] {
                let screen = Rect::new(0, 0, w, h);
                let a = areas(w, h, &counts);
                let rects = all(&a);
                for (i, r) in rects.iter().enumerate() {
                    assert!(screen.contains(r.as_position()) && r.right() <= w && r.bottom() <= h, "{w}x{h} {i} {r:?}");
                    assert!(r.height >= 1 && r.width >= 20, "{w}x{h} area {i} too small: {r:?}");
                    for (j, other) in rects.iter().enumerate().skip(i + 1) {
                        assert!(!r.intersects(*other), "{w}x{h}: {i} {r:?} overlaps {j} {other:?}");
                    }
                }
                if h >= 17 {
                    assert!(a.disk_io.height >= MIN_TABLE, "{w}x{h} disk I/O {:?}", a.disk_io);
                } else if h >= 15 {
                    assert!(a.disk_io.height >= 1, "{w}x{h} disk I/O {:?}", a.disk_io);
                }
                for table in [a.filesystems, a.network, a.processes, a.repeated, a.ports] {
                    assert!(table.height >= MIN_TABLE, "{w}x{h} {table:?}");
                }
                // The tables reach the bottom: no empty rows below them.
                assert_eq!(a.processes.bottom(), h);
                assert_eq!(a.ports.bottom(), h);
            }
        }
    }

    #[test]
    fn every_size_gets_a_plan_that_stays_on_screen() {
        let many = Counts { cores: 256, problems: 40, ..BUSY };
        for w in (0..=320).step_by(7).chain([MIN_WIDTH, 79, 80, 99, 100, 119, 120, u16::MAX]) {
            for h in (0..=130).chain([u16::MAX / 2]) {
                for counts in [Counts::default(), BUSY, many] {
                    let Plan::Dashboard(a) = plan(Rect::new(0, 0, w, h), &counts) else { continue };
                    for r in all(&a) {
                        assert!(r.right() <= w && r.bottom() <= h && r.height > 0, "{w}x{h} {r:?}");
                    }
                    assert_eq!(a.processes.bottom(), h);
                }
            }
        }
    }

    #[test]
    fn bigger_terminals_show_more_rows_and_detail() {
        let small = areas(80, 24, &BUSY);
        let medium = areas(120, 40, &BUSY);
        let large = areas(250, 70, &BUSY);
        assert!(!small.detailed && medium.detailed && large.detailed);
        for pick in [|a: &Areas| a.filesystems.height, |a: &Areas| a.problems.height] {
            assert!(pick(&small) < pick(&medium) && pick(&medium) < pick(&large));
        }
        // At 120x40 with five problems and 16 cores the graph band gives up two rows so
        // the processes still gain one over 80x24.
        let processes = |a: &Areas| a.processes.height;
        assert!(processes(&small) < processes(&medium) && processes(&medium) < processes(&large));
        assert_eq!(medium.graphs.height, GRAPH_MIN_ROWS);
        let calm = areas(120, 40, &Counts { problems: 1, cores: 2, ..BUSY });
        assert_eq!(calm.graphs.height, GRAPH_ROWS, "with the rows to spare, the whole band");
        assert!(processes(&calm) > processes(&small));
        assert!(medium.cpu.height > small.cpu.height);
    }

    #[test]
    fn short_tables_give_their_rows_to_the_processes() {
        let few = Counts { filesystems: 2, disks: 1, address_lines: 3, ..BUSY };
        let a = areas(120, 50, &few);
        assert!(a.processes.height + a.graphs.height > 20);
        assert_eq!((a.filesystems.height, a.disk_io.height), (TABLE_CHROME + 2, TABLE_CHROME + 1));
        let quiet = Counts { repeated: 2, ..BUSY };
        let a = areas(120, 40, &quiet);
        assert_eq!(a.repeated.height, TABLE_CHROME + 2);
        assert_eq!(a.ports.bottom(), 40);
    }

    #[test]
    fn services_get_a_band_above_the_processes_on_tall_terminals_only() {
        for (w, h) in [(80, 24), (100, 39), (MIN_WIDTH, MIN_HEIGHT)] {
            assert_eq!(areas(w, h, &WITH_SERVICES).services.height, 0, "{w}x{h} keeps what it showed");
        }
        assert_eq!(
            areas(80, 24, &WITH_SERVICES),
            areas(80, 24, &Counts { services: 0, ..WITH_SERVICES }),
            "80x24 unchanged"
        );
        for (w, h) in [(120, 40), (250, 70), (400, 200)] {
            let a = areas(w, h, &WITH_SERVICES);
            assert!(a.services.height >= MIN_TABLE && a.services.width == w, "{w}x{h} {:?}", a.services);
            assert_eq!(a.services.bottom(), a.processes.y, "right above the processes");
            for other in all(&a) {
                assert!(!a.services.intersects(other), "{w}x{h}: {:?} overlaps {other:?}", a.services);
            }
            assert!(a.services.y >= a.filesystems.bottom());
            assert_eq!(
                areas(w, h, &Counts { services: 0, ..WITH_SERVICES }).services.height,
                0,
                "none without services"
            );
        }
        let few = areas(250, 70, &Counts { services: 2, ..WITH_SERVICES });
        assert_eq!(few.services.height, TABLE_CHROME + 2);
    }

    #[test]
    fn five_problems_get_a_line_each_on_a_tall_screen() {
        assert_eq!(areas(120, 50, &BUSY).problems.height, 5);
        assert_eq!(areas(80, 24, &BUSY).problems.height, 1);
        assert_eq!(areas(120, 40, &Counts { problems: 1, ..BUSY }).problems.height, 1);
    }

    #[test]
    fn graphs_come_with_room_and_take_nothing_at_80x24() {
        let small = areas(80, 24, &BUSY);
        assert_eq!((small.graphs, small.timeline), (Rect::default(), Rect::default()));
        let medium = areas(120, 40, &BUSY);
        assert_eq!((medium.graphs.width, medium.graphs.height, medium.timeline.height), (120, GRAPH_MIN_ROWS, 0));
        assert_eq!(medium.graphs.y, medium.memory.bottom());
        assert_eq!(medium.filesystems.y, medium.graphs.bottom());
        for (w, h) in [(200, 50), (250, 70)] {
            let a = areas(w, h, &BUSY);
            assert!(a.graphs.height >= 6 && a.timeline.height == a.graphs.height, "{w}x{h} {a:?}");
            assert!(!a.graphs.intersects(a.timeline) && a.timeline.right() == w);
            for other in all(&a) {
                assert!(!a.graphs.intersects(other) && !a.timeline.intersects(other), "{w}x{h} {other:?}");
            }
        }
    }

    #[test]
    fn the_graphs_take_the_rows_the_tables_leave_empty() {
        let quiet = Counts {
            problems: 1,
            cores: 2,
            filesystems: 3,
            address_lines: 5,
            ports: 4,
            processes: 12,
            repeated: 3,
            ..Counts::default()
        };
        let a = areas(250, 70, &quiet);
        assert_eq!(a.graphs.height, 16);
        assert_eq!(areas(250, 70, &BUSY).graphs.height, 6);
    }

    #[test]
    fn disk_io_sits_under_the_filesystems_with_the_rows_it_needs() {
        let few = Counts { filesystems: 3, disks: 2, address_lines: 4, ..BUSY };
        let a = areas(80, 24, &few);
        assert_eq!((a.filesystems.height, a.disk_io.height), (TABLE_CHROME + 3, TABLE_CHROME + 2));
        assert_eq!(
            (a.disk_io.x, a.disk_io.width, a.disk_io.y),
            (a.filesystems.x, a.filesystems.width, a.filesystems.bottom())
        );
        let b = areas(120, 50, &Counts { disks: 6, ..few });
        assert_eq!(b.disk_io.height, TABLE_CHROME + 6);
        assert_eq!(b.disk_io.bottom(), b.network.bottom());
    }

    #[test]
    fn below_the_minimum_it_says_so_down_to_one_cell() {
        for (w, h) in [(1, 1), (20, 5), (MIN_WIDTH - 1, 40), (200, MIN_HEIGHT - 1), (0, 0)] {
            assert_eq!(plan(Rect::new(0, 0, w, h), &BUSY), Plan::TooSmall);
        }
    }
}
