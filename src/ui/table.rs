//! The one table every tabular panel uses: a title rule (highlighted when focused,
//! with the scroll position at its right), a column header, and only the rows that
//! are on screen — rows are asked for by index, so nothing off screen is formatted.
//! Columns that do not fit are dropped, least important first; the spare width goes
//! to the column that grows (a command line, an address list).

use crate::health::Severity;
use crate::sanitize;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Width when shown (the minimum for the growing column).
    pub width: u16,
    pub align: Align,
    /// 0 is always shown; higher numbers are dropped first when space runs out.
    pub priority: u8,
    /// Takes the width left over once every column that fits is placed, up to `max`
    /// (what is left after that goes to the next growing column).
    pub grows: bool,
    pub max: u16,
    /// Cut long text at the start (`…/lib/docker`): the end of a path says most.
    pub keep_end: bool,
    /// The width it is placed at when that fits before less important columns are
    /// placed (at least `width`).
    pub want: u16,
}

impl Column {
    pub const fn left(title: &'static str, width: u16, priority: u8) -> Self {
        Self { title, width, align: Align::Left, priority, grows: false, max: u16::MAX, keep_end: false, want: width }
    }
    pub const fn right(title: &'static str, width: u16, priority: u8) -> Self {
        Self { title, width, align: Align::Right, priority, grows: false, max: u16::MAX, keep_end: false, want: width }
    }
    pub const fn growing(self) -> Self {
        Self { grows: true, ..self }
    }
    pub const fn wanting(self, want: u16) -> Self {
        Self { want, ..self }
    }
    pub const fn keeping_end(self) -> Self {
        Self { keep_end: true, ..self }
    }
    /// Grows no wider than `max` (spare width beyond stays at the right).
    pub const fn up_to(self, max: u16) -> Self {
        Self { max, ..self }
    }
}

/// One row: its severity (the marker in front) and one cell per column, in order.
pub struct Row<'a> {
    pub severity: Severity,
    pub cells: Vec<Span<'a>>,
}

/// Where a table is scrolled to. The last render records the page height and the
/// number of rows, so keys move by pages and stop at the ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    pub offset: usize,
    pub page: usize,
    pub len: usize,
}

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
    /// Draws the table, asking `row` only for the rows on screen.
    pub fn render<'r>(
        self,
        area: Rect,
        buf: &mut Buffer,
        theme: Theme,
        scroll: &mut Scroll,
        mut row: impl FnMut(usize) -> Row<'r>,
    ) {
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
            return;
        }

        let marker_width = if self.judged { MARKER_WIDTH } else { 0 };
        let placed = place_columns(self.columns, inner.width.saturating_sub(marker_width));
        let header: Vec<Span> = self.columns.iter().map(|c| Span::styled(c.title, theme.label())).collect();
        let cells_x = inner.x + marker_width;
        draw_cells(buf, cells_x, inner.y, self.columns, &placed, &header);

        if self.len == 0 && inner.height > 1 {
            buf.set_stringn(cells_x, inner.y + 1, self.empty, inner.width as usize, theme.dim());
        }
        let end = (scroll.offset + page).min(self.len);
        for (y, index) in (inner.y + 1..).zip(scroll.offset..end) {
            let Row { severity, cells } = row(index);
            let marker = Theme::marker(severity);
            draw_cells(buf, cells_x, y, self.columns, &placed, &cells);
            if self.judged {
                buf.set_string(inner.x, y, marker, theme.severity(severity));
            }
        }
    }
}

/// Which columns fit in `width` (index and width), in their order on screen.
fn place_columns(columns: &[Column], width: u16) -> Vec<(usize, u16)> {
    let mut by_priority: Vec<usize> = (0..columns.len()).collect();
    by_priority.sort_by_key(|&i| columns[i].priority);
    let mut shown = vec![false; columns.len()];
    let mut used = 0u16;
    // Each column is placed at its minimum if it fits beside what more important columns
    // want; those wants are then met, and what is left grows the growing columns.
    let mut placed_width = vec![0; columns.len()];
    for i in by_priority {
        let c = &columns[i];
        let wanted: u16 = (0..columns.len())
            .filter(|&j| shown[j] && columns[j].priority < c.priority)
            .map(|j| columns[j].want.saturating_sub(columns[j].width))
            .sum();
        let need = c.width + u16::from(used > 0);
        if used + need + wanted <= width {
            used += need;
            shown[i] = true;
            placed_width[i] = c.width;
        }
    }
    for i in (0..columns.len()).filter(|&i| shown[i]) {
        let more = columns[i].want.saturating_sub(columns[i].width).min(width - used);
        placed_width[i] += more;
        used += more;
    }
    // Growing columns take the spare width in order, each up to its `max`.
    let mut spare = width - used;
    (0..columns.len())
        .filter(|&i| shown[i])
        .map(|i| {
            let c = &columns[i];
            let extra = if c.grows { spare.min(c.max.saturating_sub(placed_width[i])) } else { 0 };
            spare -= extra;
            (i, placed_width[i] + extra)
        })
        .collect()
}

fn draw_cells(buf: &mut Buffer, x: u16, y: u16, columns: &[Column], placed: &[(usize, u16)], cells: &[Span]) {
    let mut x = x;
    for &(i, width) in placed {
        if let Some(cell) = cells.get(i) {
            // Cells hold process names, mount points, interface names: cleaned before
            // they are cut, so the `…` falls where the reader counts.
            let content = sanitize::display(&cell.content);
            let text =
                if columns[i].keep_end { fit_end(&content, width as usize) } else { fit(&content, width as usize) };
            let len = text.chars().count() as u16;
            let pad = if columns[i].align == Align::Right { width.saturating_sub(len) } else { 0 };
            buf.set_stringn(x + pad, y, &text, (width - pad) as usize, cell.style);
        }
        x += width + 1;
    }
}

/// `text` cut to `width` characters, ending in `…` when something was cut.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.chars().count() <= width {
        return Cow::Borrowed(text);
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push('…');
    }
    Cow::Owned(cut)
}

/// `text` cut to its last `width` characters, starting with `…` when something was cut.
pub fn fit_end(text: &str, width: usize) -> Cow<'_, str> {
    let count = text.chars().count();
    if count <= width {
        return Cow::Borrowed(text);
    }
    let mut cut = String::from(if width > 0 { "…" } else { "" });
    cut.extend(text.chars().skip(count + 1 - width.max(1)));
    Cow::Owned(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 4] = [
        Column::right("PID", 6, 0),
        Column::left("USER", 8, 2),
        Column::left("NAME", 10, 0),
        Column::left("COMMAND", 10, 1).growing(),
    ];

    #[test]
    fn columns_are_dropped_least_important_first_and_the_rest_grows() {
        let widths = |w| place_columns(&COLUMNS, w);
        assert_eq!(widths(17), vec![(0, 6), (2, 10)]);
        assert_eq!(widths(30), vec![(0, 6), (2, 10), (3, 12)]);
        assert_eq!(widths(60), vec![(0, 6), (1, 8), (2, 10), (3, 33)]);
        assert_eq!(widths(3), vec![]);
        let capped = [Column::left("A", 4, 0).growing().up_to(6), Column::left("B", 4, 0)];
        assert_eq!(place_columns(&capped, 40), vec![(0, 6), (1, 4)]);
        let two = [Column::left("A", 4, 0).growing().up_to(6), Column::left("B", 4, 0).growing()];
        assert_eq!(place_columns(&two, 20), vec![(0, 6), (1, 13)]);
        // A wanted width comes before less important columns, a minimum when short.
        let wanting = [Column::left("A", 4, 0).wanting(8), Column::left("B", 4, 1), Column::left("C", 2, 0)];
        assert_eq!(place_columns(&wanting, 16), vec![(0, 8), (1, 4), (2, 2)]);
        assert_eq!(place_columns(&wanting, 15), vec![(0, 8), (2, 2)]);
        assert_eq!(place_columns(&wanting, 7), vec![(0, 4), (2, 2)]);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(fit("/var/lib/docker", 8), "/var/li…");
        assert_eq!(fit("/var", 8), "/var");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit_end("/var/lib/docker", 8), "…/docker");
        assert_eq!(fit_end("/var", 8), "/var");
        assert_eq!(fit_end("abc", 0), "");
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

    #[test]
    fn only_visible_rows_are_asked_for() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 6));
        let mut scroll = Scroll { offset: 7, ..Scroll::default() };
        let mut asked = Vec::new();
        let table =
            Table { title: Line::from("T"), columns: &COLUMNS, len: 100, empty: "none", focused: true, judged: true };
        table.render(buf.area, &mut buf, Theme::COLOR, &mut scroll, |i| {
            asked.push(i);
            Row { severity: Severity::Ok, cells: vec![Span::raw(i.to_string())] }
        });
        assert_eq!(asked, vec![7, 8, 9, 10]);
        assert_eq!(scroll, Scroll { offset: 7, page: 4, len: 100 });
    }
}
