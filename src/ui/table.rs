//! The one table every tabular panel uses: a title rule (highlighted when focused,
//! with the scroll position at its right), a column header, and only the rows that
//! are on screen — rows are asked for by index, so nothing off screen is formatted.
//!
//! # The rule every table follows (here and in `--once`, both through [`crate::columns`])
//!
//! 1. **The answer is never cut.** A column that carries the answer — a port, a PID, a
//!    count, a use %, a hung mount's age, an interface state — is an
//!    [`answer`](Column::answer) column: it is as wide as its widest visible cell.
//!    A cell may also carry its answer at its end ([`Cell::keeping`]): `127.0.0.1:5433`
//!    keeps `:5433`, `python3/8123 (8)` keeps `/8123 (8)`; only the part before is
//!    shortened.
//! 2. **Shortened the column's way.** Names lose their end (`postgre…`), paths their
//!    start (`…/data07`, the distinguishing end stays), addresses their middle
//!    (`fe80::…:fe00:1`).
//! 3. **Less important columns go first.** Columns enter by priority while they fit;
//!    a column that wants more room (a mount point, an address) gets it before any
//!    less important column enters.
//! 4. **Wider never shows less.** Columns stop entering at the first that does not fit,
//!    so a wider table shows every column a narrower one does, and more.
//!
//! Panels declare their columns and build their cells from machine strings already
//! passed through `sanitize::display` (so what is measured and cut is what is drawn);
//! this widget measures the cells on screen, places the columns and cuts — no panel
//! cuts text itself. A new panel gets the rule by declaring which of its columns are
//! answers and which cells keep a tail.

use crate::columns::{self, Demand};
pub use crate::columns::{Align, Column, Cut};
use crate::health::Severity;
use crate::sanitize;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

/// One cell: its text and style, and how many characters at its end are never cut.
pub struct Cell<'a> {
    pub span: Span<'a>,
    pub keep: usize,
}

impl<'a> Cell<'a> {
    /// A cell whose last `keep` characters are part of the answer (`:5433`).
    pub fn keeping(span: Span<'a>, keep: usize) -> Self {
        Self { span, keep }
    }
}

impl<'a> From<Span<'a>> for Cell<'a> {
    fn from(span: Span<'a>) -> Self {
        Self { span, keep: 0 }
    }
}

/// One row: its severity (the marker in front) and one cell per column, in order.
pub struct Row<'a> {
    pub severity: Severity,
    pub cells: Vec<Cell<'a>>,
}

impl<'a> Row<'a> {
    /// A row of plain cells (nothing kept whole beyond what the columns say).
    pub fn new(severity: Severity, spans: Vec<Span<'a>>) -> Self {
        Self { severity, cells: spans.into_iter().map(Cell::from).collect() }
    }
}

/// Where a table is scrolled to. The last render records the page height and the
/// number of rows, so keys move by pages and stop at the ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    pub offset: usize,
    pub page: usize,
    pub len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Scroll {
    fn last_offset(&self) -> usize {
        self.len.saturating_sub(self.page)
    }

    pub fn apply(&mut self, motion: Motion) {
        let page = self.page.max(1);
        self.offset = match motion {
            Motion::Up => self.offset.saturating_sub(1),
            Motion::Down => self.offset + 1,
            Motion::PageUp => self.offset.saturating_sub(page),
            Motion::PageDown => self.offset + page,
            Motion::Home => 0,
            Motion::End => self.last_offset(),
        }
        .min(self.last_offset());
    }
}

/// Where a render drew the column titles, for the mouse: a click on one sorts by it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderCells {
    pub y: u16,
    /// `(title, first x, width)` of each column drawn.
    pub cells: Vec<(&'static str, u16, u16)>,
}

impl HeaderCells {
    /// The title of the column drawn at this cell, if it is one.
    pub fn title_at(&self, at: Position) -> Option<&'static str> {
        if at.y != self.y {
            return None;
        }
        self.cells.iter().find(|&&(_, x, width)| (x..x + width).contains(&at.x)).map(|&(title, ..)| title)
    }
}

/// Width of the severity marker column (`!!` plus a space).
const MARKER_WIDTH: u16 = 3;

pub struct Table<'a> {
    pub title: Line<'a>,
    pub columns: &'a [Column],
    pub len: usize,
    /// What an empty table says (`none`, `scanning…`).
    pub empty: &'a str,
    pub focused: bool,
    /// Whether rows can be judged: only then is there a column for the markers.
    pub judged: bool,
}

impl Table<'_> {
    /// Draws the table, asking `row` only for the rows on screen; says where the column
    /// titles went.
    pub fn render<'r>(
        self,
        area: Rect,
        buf: &mut Buffer,
        theme: Theme,
        scroll: &mut Scroll,
        mut row: impl FnMut(usize) -> Row<'r>,
    ) -> HeaderCells {
        let page = area.height.saturating_sub(2) as usize;
        *scroll = Scroll { page, len: self.len, offset: scroll.offset };
        scroll.offset = scroll.offset.min(scroll.last_offset());

        let mut block = Block::new()
            .borders(Borders::TOP)
            .border_style(theme.rule(self.focused))
            .title(self.title.style(theme.title(self.focused)));
        if self.len > page && page > 0 {
            let last = (scroll.offset + page).min(self.len);
            block =
                block.title_top(Line::from(format!(" {}-{}/{} ", scroll.offset + 1, last, self.len)).right_aligned());
        }
        let inner = block.inner(area);
        // Rendered on its own row: a Block styles every cell of the area it is given,
        // which for the whole table was a tenth of an idle frame.
        block.render(Rect { height: area.height.min(1), ..area }, buf);
        if inner.height == 0 {
            return HeaderCells::default();
        }

        let marker_width = if self.judged { MARKER_WIDTH } else { 0 };
        let end = (scroll.offset + page).min(self.len);
        let rows: Vec<Row> = (scroll.offset..end).map(&mut row).collect();
        let mut demands = vec![Demand::default(); self.columns.len()];
        for r in &rows {
            for ((demand, column), cell) in demands.iter_mut().zip(self.columns).zip(&r.cells) {
                demand.add(column.cut, &cell.span.content, cell.keep);
            }
        }
        let placed = columns::place(self.columns, &demands, inner.width.saturating_sub(marker_width));
        let header: Vec<Cell> = self.columns.iter().map(|c| Span::styled(c.title, theme.label()).into()).collect();
        let cells_x = inner.x + marker_width;
        draw_cells(buf, cells_x, inner.y, self.columns, &placed, &header);

        if self.len == 0 && inner.height > 1 {
            buf.set_stringn(cells_x, inner.y + 1, self.empty, inner.width as usize, theme.dim());
        }
        for (y, Row { severity, cells }) in (inner.y + 1..).zip(rows) {
            draw_cells(buf, cells_x, y, self.columns, &placed, &cells);
            if self.judged {
                buf.set_string(inner.x, y, Theme::marker(severity), theme.severity(severity));
            }
        }
        let starts = placed.iter().scan(cells_x, |x, &(_, width)| {
            let start = *x;
            *x += width + 1;
            Some(start)
        });
        let cells = placed.iter().zip(starts).map(|(&(i, width), x)| (self.columns[i].title, x, width)).collect();
        HeaderCells { y: inner.y, cells }
    }
}

fn draw_cells(buf: &mut Buffer, x: u16, y: u16, columns: &[Column], placed: &[(usize, u16)], cells: &[Cell]) {
    let mut x = x;
    for &(i, width) in placed {
        if let Some(cell) = cells.get(i) {
            // Cells hold process names, mount points, interface names: cleaned before
            // they are cut (panels clean them before they are measured too; replacing
            // keeps every width), so the `…` falls where the reader counts.
            let content = sanitize::display(&cell.span.content);
            let text = columns::fit(&content, cell.keep, columns[i].cut, width as usize);
            let len = columns::width_of(&text) as u16;
            let pad = if columns[i].align == Align::Right { width.saturating_sub(len) } else { 0 };
            buf.set_stringn(x + pad, y, &text, (width - pad) as usize, cell.span.style);
        }
        x += width + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 3] = [
        Column::left("ADDRESS", 8, 0).cut_in_middle().growing(),
        Column::right("COUNT", 5, 0).answer(),
        Column::left("NOTE", 10, 1).growing(),
    ];

    fn text(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    #[test]
    fn answers_and_kept_tails_are_whole_in_a_narrow_table() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 24, 3));
        let table =
            Table { title: Line::from("T"), columns: &COLUMNS, len: 1, empty: "none", focused: false, judged: false };
        table.render(buf.area, &mut buf, Theme::MONO, &mut Scroll::default(), |_| Row {
            severity: Severity::Ok,
            cells: vec![
                Cell::keeping(Span::raw("[fe80::fc:ff:fe00:1]:8080"), 5),
                Span::raw("123456789").into(),
                Span::raw("dropped first").into(),
            ],
        });
        assert_eq!(text(&buf, 2), "[fe8…0:1]:8080 123456789");
        assert!(!text(&buf, 1).contains("NOTE"));
    }

    #[test]
    fn the_header_says_which_column_title_is_where() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 4));
        let table =
            Table { title: Line::from("T"), columns: &COLUMNS, len: 1, empty: "none", focused: false, judged: true };
        let header = table.render(buf.area, &mut buf, Theme::MONO, &mut Scroll::default(), |_| {
            Row::new(Severity::Ok, vec![Span::raw("10.0.0.1"), Span::raw("7"), Span::raw("x")])
        });
        let line = text(&buf, 1);
        for title in ["ADDRESS", "COUNT", "NOTE"] {
            let x = line.find(title).unwrap() as u16;
            assert_eq!(header.title_at(Position::new(x, 1)), Some(title));
            assert_eq!(header.title_at(Position::new(x, 2)), None, "only the header row");
        }
        assert_eq!(header.title_at(Position::new(1, 1)), None, "the marker column is no title");
    }

    #[test]
    fn scrolling_stops_at_both_ends() {
        let mut s = Scroll { offset: 0, page: 10, len: 25 };
        s.apply(Motion::Up);
        assert_eq!(s.offset, 0);
        s.apply(Motion::PageDown);
        assert_eq!(s.offset, 10);
        s.apply(Motion::PageDown);
        assert_eq!(s.offset, 15);
        s.apply(Motion::Home);
        assert_eq!(s.offset, 0);
        s.apply(Motion::End);
        assert_eq!(s.offset, 15);
    }

    /// The lines of a table of `len` rows (row `i` says `i`) drawn `height` lines tall,
    /// and the screen line below it (the next panel's, which the table must leave alone).
    fn drawn(len: usize, height: u16) -> Vec<String> {
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, height + 1));
        let table =
            Table { title: Line::from("T"), columns: &COLUMNS, len, empty: "none", focused: false, judged: false };
        table.render(Rect::new(0, 0, 30, height), &mut buf, Theme::MONO, &mut Scroll::default(), |i| {
            Row::new(Severity::Ok, vec![Span::raw(i.to_string())])
        });
        (0..=height).map(|y| text(&buf, y)).collect()
    }

    #[test]
    fn the_scroll_position_is_shown_only_when_rows_are_hidden() {
        let title_rule = |len, height| drawn(len, height).swap_remove(0);
        // 6 lines: the rule, the header and a page of 4 rows.
        assert!(title_rule(5, 6).ends_with(" 1-4/5 "), "{:?}", title_rule(5, 6));
        assert!(!title_rule(4, 6).contains('/'), "every row on screen: {:?}", title_rule(4, 6));
        assert!(!title_rule(2, 6).contains('/'), "{:?}", title_rule(2, 6));
        // Squeezed to its rule alone no row is on screen: there is no "1-0/5" to show.
        assert!(!title_rule(5, 1).contains('/'), "{:?}", title_rule(5, 1));
    }

    #[test]
    fn an_empty_table_says_so_under_its_header_and_a_full_one_does_not() {
        assert_eq!(drawn(0, 5)[2].trim_end(), "none");
        assert_eq!(drawn(0, 3)[2].trim_end(), "none", "one line under the header is enough");
        assert_eq!(drawn(0, 2)[2].trim_end(), "", "no line under the header: not written below the table");
        let full = drawn(2, 5);
        assert_eq!(full[2].trim_end(), "0", "{full:?}");
        assert_eq!(full[3].trim_end(), "1", "{full:?}");
    }

    #[test]
    fn only_visible_rows_are_asked_for() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 6));
        let mut scroll = Scroll { offset: 7, ..Scroll::default() };
        let mut asked = Vec::new();
        let table =
            Table { title: Line::from("T"), columns: &COLUMNS, len: 100, empty: "none", focused: true, judged: true };
        table.render(buf.area, &mut buf, Theme::COLOR, &mut scroll, |i| {
            asked.push(i);
            Row::new(Severity::Ok, vec![Span::raw(i.to_string())])
        });
        assert_eq!(asked, vec![7, 8, 9, 10]);
        assert_eq!(scroll, Scroll { offset: 7, page: 4, len: 100 });
    }
}
