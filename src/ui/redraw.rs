//! Sends each frame to the terminal as the cells that changed since the one before.
//!
//! ratatui's `Terminal` does this with two full buffers of its 48-byte cells: at 200×50
//! that is 0.95 MB, a fifth of an idle ctop's resident memory, for a second copy whose
//! only use is to be compared with. Here the frame on the terminal is kept packed, 8
//! bytes a cell (a single-character symbol, three colours of the 16 named ones, the
//! 256 indexed ones or the default, and the modifiers); the rare cell that does not
//! pack (a grapheme of several characters, an RGB colour) is kept whole beside it.
//! Each changed row is unpacked into a one-row buffer and compared by ratatui's own
//! diff, so wide characters and the cells they cover are handled as ratatui does.

use ratatui::backend::{Backend, ClearType};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

/// The terminal's content as last sent, and the frame being drawn.
pub struct Redraw<B: Backend> {
    backend: B,
    frame: Buffer,
    /// Each cell of the terminal, packed ([`pack`]), row by row.
    shown: Vec<u64>,
    /// The cells of `shown` that do not pack, by index, in order.
    unpacked: Vec<(usize, Cell)>,
    /// One row of what is shown and one of the new frame, for ratatui's diff.
    shown_row: Buffer,
    frame_row: Buffer,
    /// A row of the new frame, packed, before it is known to differ.
    packed_row: Vec<u64>,
    /// Where the frame differs from what is shown: positions only, since the cells
    /// themselves are in `frame` (a list of cells was 0.45 MB for a first frame).
    updates: Vec<(u16, u16)>,
}

/// What a cell that does not pack is stored as in `shown`: a char value no `char` has.
const NOT_PACKED: u64 = 0x1F_FFFF;
/// An empty cell (a space in the default colours), packed: what a cleared terminal shows.
const BLANK: u64 = ' ' as u64;

impl<B: Backend> Redraw<B> {
    /// Draws on `area` of a terminal that shows nothing yet (a fresh alternate screen).
    pub fn new(backend: B, area: Rect) -> Self {
        let mut redraw = Redraw {
            backend,
            frame: Buffer::empty(Rect::ZERO),
            shown: Vec::new(),
            unpacked: Vec::new(),
            shown_row: Buffer::empty(Rect::ZERO),
            frame_row: Buffer::empty(Rect::ZERO),
            packed_row: Vec::new(),
            updates: Vec::new(),
        };
        redraw.cleared(area);
        redraw
    }

    pub fn area(&self) -> Rect {
        self.frame.area
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// Clears the terminal and draws on `area` from now on.
    pub fn resize(&mut self, area: Rect) -> Result<(), B::Error> {
        self.backend.clear_region(ClearType::All)?;
        self.cleared(area);
        Ok(())
    }

    /// What a blank terminal of `area` shows.
    fn cleared(&mut self, area: Rect) {
        let row = Rect { height: 1, ..area };
        self.frame.resize(area);
        self.shown.clear();
        self.shown.resize(usize::from(area.width) * usize::from(area.height), BLANK);
        self.unpacked.clear();
        self.shown_row.resize(row);
        self.frame_row.resize(row);
    }

    /// Has `render` draw a frame from blank, sends the terminal the cells that changed
    /// and flushes.
    pub fn draw(&mut self, render: impl FnOnce(&mut Buffer)) -> Result<(), B::Error> {
        self.frame.reset();
        render(&mut self.frame);
        self.updates.clear();
        let area = self.frame.area;
        let width = usize::from(area.width);
        let mut unpacked = Vec::new();
        for (row, cells) in self.frame.content.chunks(width.max(1)).enumerate() {
            let start = row * width;
            self.packed_row.clear();
            self.packed_row.extend(cells.iter().map(|cell| pack(cell).unwrap_or(NOT_PACKED)));
            let shown = &mut self.shown[start..start + cells.len()];
            let unchanged = *shown == *self.packed_row && !self.packed_row.contains(&NOT_PACKED);
            if !unchanged {
                for (x, (&packed, cell)) in shown.iter().zip(&mut self.shown_row.content).enumerate() {
                    *cell = match packed {
                        NOT_PACKED => whole(&self.unpacked, start + x),
                        packed => unpack(packed),
                    };
                }
                self.frame_row.content.clone_from_slice(cells);
                let y = area.y + row as u16;
                self.updates.extend(self.shown_row.diff_iter(&self.frame_row).map(|(x, _, _)| (x, y)));
                shown.copy_from_slice(&self.packed_row);
            }
            let whole_cells =
                self.packed_row.iter().zip(cells).enumerate().filter(|(_, (packed, _))| **packed == NOT_PACKED);
            unpacked.extend(whole_cells.map(|(x, (_, cell))| (start + x, cell.clone())));
        }
        self.unpacked = unpacked;
        let frame = &self.frame;
        self.backend.draw(self.updates.iter().map(|&(x, y)| (x, y, &frame[(x, y)])))?;
        Backend::flush(&mut self.backend)
    }
}

/// The cell kept whole at `index` (one that did not pack).
fn whole(unpacked: &[(usize, Cell)], index: usize) -> Cell {
    match unpacked.binary_search_by_key(&index, |(i, _)| *i) {
        Ok(found) => unpacked[found].1.clone(),
        // Not reached: `draw` keeps every cell it stores as NOT_PACKED.
        Err(_) => Cell::EMPTY,
    }
}

/// The cell in 64 bits: its symbol's one character (21 bits), foreground, background
/// and underline colours (9 bits each) and modifiers (16); `None` for a cell that
/// holds more than that.
fn pack(cell: &Cell) -> Option<u64> {
    #[allow(deprecated)] // `skip` is still compared by `Cell`'s `==`.
    if cell.skip || cell.diff_option != CellDiffOption::None {
        return None;
    }
    let mut chars = cell.symbol().chars();
    let (Some(symbol), None) = (chars.next(), chars.next()) else { return None };
    Some(
        u64::from(u32::from(symbol))
            | colour_code(cell.fg)? << 21
            | colour_code(cell.bg)? << 30
            | colour_code(cell.underline_color)? << 39
            | u64::from(cell.modifier.bits()) << 48,
    )
}

/// The cell [`pack`] packed.
fn unpack(packed: u64) -> Cell {
    let mut cell = Cell::EMPTY;
    cell.set_char(char::from_u32((packed & 0x1F_FFFF) as u32).unwrap_or(' '));
    cell.fg = colour_of((packed >> 21) & 0x1FF);
    cell.bg = colour_of((packed >> 30) & 0x1FF);
    cell.underline_color = colour_of((packed >> 39) & 0x1FF);
    cell.modifier = Modifier::from_bits_retain((packed >> 48) as u16);
    cell
}

/// The named colours in the order of their codes (the default first).
const NAMED: [Color; 17] = [
    Color::Reset,
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// 0–16 the named colours, 17–272 the indexed ones; RGB does not pack.
fn colour_code(colour: Color) -> Option<u64> {
    match colour {
        Color::Indexed(i) => Some(17 + u64::from(i)),
        Color::Rgb(..) => None,
        named => NAMED.iter().position(|&c| c == named).map(|i| i as u64),
    }
}

fn colour_of(code: u64) -> Color {
    match code {
        0..=16 => NAMED[code as usize],
        _ => Color::Indexed((code - 17) as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::backend::TestBackend;
    use ratatui::style::Style;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    const AREA: Rect = Rect { x: 0, y: 0, width: 12, height: 4 };

    #[test]
    fn a_cell_of_one_character_and_palette_colours_packs_and_unpacks_to_itself() {
        let mut cell = Cell::EMPTY;
        cell.set_char('世');
        cell.fg = Color::LightMagenta;
        cell.bg = Color::Indexed(255);
        cell.underline_color = Color::Indexed(0);
        cell.modifier = Modifier::BOLD | Modifier::REVERSED | Modifier::CROSSED_OUT;
        assert_eq!(unpack(pack(&cell).unwrap()), cell);
        for colour in NAMED {
            let cell = Cell::EMPTY.clone().set_fg(colour).clone();
            assert_eq!(unpack(pack(&cell).unwrap()), cell, "{colour:?}");
        }
    }

    #[test]
    fn blank_is_the_empty_cell_packed() {
        assert_eq!(pack(&Cell::EMPTY), Some(BLANK));
    }

    #[test]
    fn a_cell_that_holds_more_does_not_pack() {
        let rgb = Cell::EMPTY.clone().set_bg(Color::Rgb(1, 2, 3)).clone();
        let grapheme = Cell::EMPTY.clone().set_symbol("e\u{301}").clone();
        let skipped = Cell::EMPTY.clone().set_diff_option(CellDiffOption::Skip).clone();
        for cell in [rgb, grapheme, skipped] {
            assert_eq!(pack(&cell), None, "{cell:?}");
        }
    }

    /// Text written at a place in a style: what a panel does to a frame.
    type Write = (u16, u16, &'static str, Style);

    fn write() -> impl Strategy<Value = Write> {
        let text = prop::sample::select(vec!["a", "bc", " ", "世界", "e\u{301}x", "⚠\u{fe0f}!", "", "xyzxyzxyzxyz"]);
        let colour = prop::sample::select(vec![
            Color::Reset,
            Color::Red,
            Color::LightYellow,
            Color::Indexed(200),
            Color::Rgb(9, 8, 7),
        ]);
        let modifier = prop::sample::select(vec![Modifier::empty(), Modifier::BOLD, Modifier::REVERSED]);
        (0..AREA.width, 0..AREA.height, text, colour.clone(), colour, modifier)
            .prop_map(|(x, y, text, fg, bg, modifier)| (x, y, text, Style::new().fg(fg).bg(bg).add_modifier(modifier)))
    }

    fn render(buf: &mut Buffer, writes: &[Write]) {
        for &(x, y, text, style) in writes {
            buf.set_stringn(x, y, text, usize::from(AREA.width - x), style);
        }
    }

    proptest! {
        /// ratatui's own terminal is the reference: after every frame of a sequence,
        /// the terminal this drew on holds the same cells as the one ratatui drew on.
        #[test]
        fn the_terminal_ends_up_as_ratatuis_own_terminal_draws_it(
            frames in prop::collection::vec(prop::collection::vec(write(), 0..10), 1..6),
        ) {
            let mut reference =
                Terminal::with_options(TestBackend::new(AREA.width, AREA.height), TerminalOptions { viewport: Viewport::Fixed(AREA) })
                    .unwrap();
            let mut redraw = Redraw::new(TestBackend::new(AREA.width, AREA.height), AREA);
            for writes in &frames {
                reference.draw(|frame| render(frame.buffer_mut(), writes)).unwrap();
                redraw.draw(|buf| render(buf, writes)).unwrap();
                prop_assert_eq!(redraw.backend().buffer(), reference.backend().buffer());
            }
        }
    }

    #[test]
    fn an_unchanged_frame_sends_nothing_and_a_changed_cell_only_itself() {
        let writes: [Write; 2] =
            [(0, 0, "load 1.00", Style::new()), (0, 3, "e\u{301}", Style::new().fg(Color::Rgb(1, 2, 3)))];
        let mut redraw = Redraw::new(TestBackend::new(AREA.width, AREA.height), AREA);
        redraw.draw(|buf| render(buf, &writes)).unwrap();
        redraw.draw(|buf| render(buf, &writes)).unwrap();
        assert!(redraw.updates.is_empty(), "{:?}", redraw.updates);
        let changed: [Write; 2] = [(0, 0, "load 1.50", Style::new()), writes[1]];
        redraw.draw(|buf| render(buf, &changed)).unwrap();
        assert_eq!(redraw.updates, [(7, 0)]);
    }

    #[test]
    fn after_a_resize_the_whole_frame_is_sent_again() {
        let writes: [Write; 1] = [(0, 1, "ab", Style::new())];
        let mut redraw = Redraw::new(TestBackend::new(AREA.width, AREA.height), AREA);
        redraw.draw(|buf| render(buf, &writes)).unwrap();
        redraw.resize(AREA).unwrap();
        redraw.draw(|buf| render(buf, &writes)).unwrap();
        assert_eq!(redraw.updates, [(0, 1), (1, 1)]);
    }
}
