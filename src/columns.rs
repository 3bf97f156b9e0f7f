//! How a table's columns share a width and how a cell is shortened: the one rule every
//! table follows, on the dashboard (`ui/table.rs`, where the rule is written out) and in
//! `--once` (`report.rs`). Pure arithmetic on display widths, no drawing.
//!
//! In short: a column that carries the answer ([`Cut::Never`]: a port, a PID, a count, a
//! hung mount's age) is as wide as its widest visible cell; a cell may also keep a tail
//! that is never cut (`:5433`, `/8123 (8)`) while the rest of it is shortened the
//! column's way (at the end, at the start for paths, in the middle for addresses).
//! Columns enter in priority order and stop at the first that does not fit, so a wider
//! table never shows fewer columns than a narrower one.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// How a cell too long for its column is shortened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Never: the column widens to its widest visible cell (the answer: a number, a state).
    Never,
    /// At the end: `python…`.
    End,
    /// At the start, keeping the end where a path says most: `…/data07`.
    Start,
    /// In the middle, keeping both ends of an address: `fe80::…:fe00:1`.
    Middle,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Its narrowest (the minimum for a growing column); an answer column widens beyond.
    pub width: u16,
    pub align: Align,
    /// 0 first; columns enter in this order (then left to right) while they fit.
    pub priority: u8,
    /// Takes the width left over once every column that fits is placed, up to `max`.
    pub grows: bool,
    pub max: u16,
    pub cut: Cut,
    /// The width it is given before any less important column enters (at least `width`).
    pub want: u16,
    /// Wants its widest visible cell too, up to this many characters (0: no).
    pub want_whole: u16,
}

impl Column {
    pub const fn left(title: &'static str, width: u16, priority: u8) -> Self {
        Self {
            title,
            width,
            align: Align::Left,
            priority,
            grows: false,
            max: u16::MAX,
            cut: Cut::End,
            want: width,
            want_whole: 0,
        }
    }
    pub const fn right(title: &'static str, width: u16, priority: u8) -> Self {
        Self { align: Align::Right, ..Self::left(title, width, priority) }
    }
    pub const fn growing(self) -> Self {
        Self { grows: true, ..self }
    }
    pub const fn wanting(self, want: u16) -> Self {
        Self { want, ..self }
    }
    /// Wants room for its widest visible cell, up to `cap`, before less important columns.
    pub const fn wanting_whole(self, cap: u16) -> Self {
        Self { want_whole: cap, ..self }
    }
    /// Cut long text at the start (`…/lib/docker`): the end of a path says most.
    pub const fn keeping_end(self) -> Self {
        Self { cut: Cut::Start, ..self }
    }
    /// Cut long text in the middle (`fe80::…:fe00:1`): both ends of an address matter.
    pub const fn cut_in_middle(self) -> Self {
        Self { cut: Cut::Middle, ..self }
    }
    /// The answer: never cut, as wide as its widest visible cell.
    pub const fn answer(self) -> Self {
        Self { cut: Cut::Never, ..self }
    }
    /// Grows no wider than `max` (spare width beyond stays at the right).
    pub const fn up_to(self, max: u16) -> Self {
        Self { max, ..self }
    }
}

/// Characters of the shortened part a cell with a kept tail still shows (plus the `…`).
const HEAD_MIN: usize = 3;

/// What the visible cells of one column ask of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Demand {
    /// The widest cell, whole.
    pub whole: u16,
    /// The least width that cuts nothing that must not be cut.
    pub need: u16,
}

impl Demand {
    /// Adds one cell: `text`, whose last `keep` characters are never cut.
    pub fn add(&mut self, cut: Cut, text: &str, keep: usize) {
        let len = width_of(text);
        let need = match cut {
            Cut::Never => len,
            _ if keep > 0 => len.min(width_of(split_tail(text, keep).1) + HEAD_MIN + 1),
            _ => 0,
        };
        self.whole = self.whole.max(clamp16(len));
        self.need = self.need.max(clamp16(need));
    }
}

fn clamp16(n: usize) -> u16 {
    n.min(u16::MAX as usize) as u16
}

/// Which columns fit in `width` and how wide each is, in their order on screen.
///
/// Columns are taken by priority (then left to right). Each level first places its
/// columns at their least width (the declared minimum, or what their cells need),
/// stopping at the first that does not fit; then they get what they want. The next
/// level only enters once every column placed so far has all it wants, so growing the
/// table never takes a column away. What is left goes to the growing columns.
pub fn place(columns: &[Column], demands: &[Demand], width: u16) -> Vec<(usize, u16)> {
    let demand = |i: usize| demands.get(i).copied().unwrap_or_default();
    let least = |i: usize| columns[i].width.max(demand(i).need);
    let wants = |i: usize| {
        let c = &columns[i];
        let whole = demand(i).whole.min(c.want_whole);
        c.want.max(whole).max(least(i)).min(c.max.max(least(i)))
    };
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| (columns[i].priority, i));
    let mut placed: Vec<Option<u16>> = vec![None; columns.len()];
    let mut used = 0u16;
    'levels: for level in order.chunk_by(|&a, &b| columns[a].priority == columns[b].priority) {
        let mut entered = Vec::new();
        for &i in level {
            let need = least(i) + u16::from(used > 0);
            if u32::from(used) + u32::from(need) > u32::from(width) {
                break;
            }
            used += need;
            placed[i] = Some(least(i));
            entered.push(i);
        }
        // Wants, left to right: an address before its owner, a name before its command.
        for &i in &entered {
            let least = placed[i].unwrap_or(0);
            let more = wants(i).saturating_sub(least).min(width - used);
            placed[i] = Some(least + more);
            used += more;
            if placed[i] < Some(wants(i)) {
                break 'levels;
            }
        }
        if entered.len() < level.len() {
            break;
        }
    }
    let mut spare = width - used;
    (0..columns.len())
        .filter_map(|i| placed[i].map(|w| (i, w)))
        .map(|(i, w)| {
            let extra = if columns[i].grows { spare.min(columns[i].max.saturating_sub(w)) } else { 0 };
            spare -= extra;
            (i, w + extra)
        })
        .collect()
}

/// Display columns of `text` as the terminal counts them (and ratatui, which cuts by
/// them): 2 for a CJK character, 0 for a combining mark.
pub fn width_of(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` in `width` display columns: its last `keep` characters whole, the rest
/// shortened the `cut` way with `…`. A [`Cut::Never`] cell wider than its column (only
/// when even the whole table is narrower) is cut at the end rather than drawn over its
/// neighbour. Where a wide character does not fit beside the `…`, the text comes out a
/// column short rather than over.
pub fn fit(text: &str, keep: usize, cut: Cut, width: usize) -> Cow<'_, str> {
    if width_of(text) <= width {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let (head, tail) = split_tail(text, keep);
    let tail_width = width_of(tail);
    if !tail.is_empty() && tail_width < width {
        let mut out = fit(head, 0, cut, width - tail_width).into_owned();
        out.push_str(tail);
        return Cow::Owned(out);
    }
    let room = width - 1;
    Cow::Owned(match cut {
        Cut::End | Cut::Never => format!("{}…", front_within(text, room)),
        Cut::Start => format!("…{}", back_within(text, room)),
        Cut::Middle => {
            let front = front_within(text, room / 2);
            format!("{front}…{}", back_within(text, room - width_of(front)))
        }
    })
}

/// `text` split before its last `keep` characters.
fn split_tail(text: &str, keep: usize) -> (&str, &str) {
    let len = text.chars().count();
    let split = text.char_indices().nth(len.saturating_sub(keep)).map_or(text.len(), |(b, _)| b);
    text.split_at(split)
}

/// The longest start of `text` at most `room` columns wide.
fn front_within(text: &str, room: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.width().unwrap_or(0);
        if used > room {
            return &text[..at];
        }
    }
    text
}

/// The longest end of `text` at most `room` columns wide.
fn back_within(text: &str, room: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > room {
            return &text[at + c.len_utf8()..];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 4] = [
        Column::right("PID", 6, 0).answer(),
        Column::left("USER", 8, 1),
        Column::left("NAME", 10, 0),
        Column::left("COMMAND", 10, 2).growing(),
    ];

    #[test]
    fn columns_enter_by_priority_and_the_rest_grows() {
        let widths = |w| place(&COLUMNS, &[], w);
        assert_eq!(widths(17), vec![(0, 6), (2, 10)]);
        assert_eq!(widths(26), vec![(0, 6), (1, 8), (2, 10)]);
        assert_eq!(widths(37), vec![(0, 6), (1, 8), (2, 10), (3, 10)]);
        assert_eq!(widths(60), vec![(0, 6), (1, 8), (2, 10), (3, 33)]);
        assert_eq!(widths(3), vec![]);
        let capped = [Column::left("A", 4, 0).growing().up_to(6), Column::left("B", 4, 0)];
        assert_eq!(place(&capped, &[], 40), vec![(0, 6), (1, 4)]);
        let two = [Column::left("A", 4, 0).growing().up_to(6), Column::left("B", 4, 0).growing()];
        assert_eq!(place(&two, &[], 20), vec![(0, 6), (1, 13)]);
    }

    #[test]
    fn wants_are_met_before_less_important_columns_enter() {
        let wanting = [Column::left("A", 4, 0).wanting(8), Column::left("B", 4, 1), Column::left("C", 2, 0)];
        assert_eq!(place(&wanting, &[], 16), vec![(0, 8), (1, 4), (2, 2)]);
        assert_eq!(place(&wanting, &[], 15), vec![(0, 8), (2, 2)]);
        assert_eq!(place(&wanting, &[], 9), vec![(0, 6), (2, 2)]);
        // Two wanting their whole cell: the one on the left first.
        let whole = [Column::left("A", 4, 0).wanting_whole(20), Column::left("B", 4, 0).wanting_whole(20)];
        let demands = [Demand { whole: 14, need: 0 }, Demand { whole: 16, need: 0 }];
        assert_eq!(place(&whole, &demands, 21), vec![(0, 14), (1, 6)]);
        assert_eq!(place(&whole, &demands, 40), vec![(0, 14), (1, 16)]);
    }

    #[test]
    fn an_answer_column_is_as_wide_as_its_widest_cell() {
        let mut demand = Demand::default();
        for text in ["?", "hung 12m 40s", "12G"] {
            demand.add(Cut::Never, text, 0);
        }
        assert_eq!(demand, Demand { whole: 12, need: 12 });
        let columns = [Column::left("MOUNT", 6, 0).growing(), Column::right("FREE", 5, 0).answer()];
        assert_eq!(place(&columns, &[Demand::default(), demand], 27), vec![(0, 14), (1, 12)]);
    }

    #[test]
    fn a_wider_table_never_shows_fewer_columns() {
        let columns = [
            Column::right("PID", 7, 0).answer(),
            Column::left("USER", 9, 1),
            Column::left("S", 1, 3),
            Column::right("CPU%", 5, 0).answer(),
            Column::left("NAME", 8, 0).wanting(15),
            Column::left("COMMAND", 16, 2).growing(),
            Column::right("THR", 4, 5),
        ];
        let mut before: Vec<usize> = Vec::new();
        for w in 0..200 {
            let shown: Vec<usize> = place(&columns, &[], w).into_iter().map(|(i, _)| i).collect();
            assert!(before.iter().all(|i| shown.contains(i)), "{w}: {before:?} → {shown:?}");
            before = shown;
        }
    }

    #[test]
    fn cells_are_cut_their_column_s_way_keeping_the_tail() {
        assert_eq!(fit("/var/lib/docker", 0, Cut::End, 8), "/var/li…");
        assert_eq!(fit("/var/lib/docker", 0, Cut::Start, 8), "…/docker");
        assert_eq!(fit("fe80::fc:ff:fe00:1", 0, Cut::Middle, 14), "fe80::…:fe00:1");
        assert_eq!(fit("/var", 0, Cut::End, 8), "/var");
        assert_eq!(fit("abc", 0, Cut::End, 0), "");
        assert_eq!(fit("[fe80::fc:ff:fe00:1]:8080", 5, Cut::Middle, 19), "[fe80:…fe00:1]:8080");
        assert_eq!(fit("python3/8123 (8)", 9, Cut::End, 13), "pyt…/8123 (8)");
        let mut d = Demand::default();
        d.add(Cut::End, "python3/8123 (8)", 9);
        assert_eq!(d, Demand { whole: 16, need: 13 });
    }

    #[test]
    fn wide_characters_count_as_the_two_columns_they_take() {
        // Six CJK characters are 12 columns: cut to 7 they keep three and the `…`.
        let name = "数据库服务器";
        assert_eq!(fit(name, 0, Cut::End, 7), "数据库…");
        assert_eq!(fit(name, 0, Cut::Start, 7), "…服务器");
        // Room for 6 beside the `…`: 2 in front, 4 behind; never wider than asked.
        assert_eq!(fit(name, 0, Cut::Middle, 7), "数…务器");
        assert_eq!(fit(name, 0, Cut::End, 6), "数据…", "a wide character that does not fit is left out");
        assert_eq!(fit(name, 0, Cut::End, 12), name);
        assert_eq!(fit("/srv/数据库/db", 3, Cut::Start, 9), "…据库/db");
        for width in 0..14 {
            for cut in [Cut::End, Cut::Start, Cut::Middle, Cut::Never] {
                assert!(width_of(&fit(name, 0, cut, width)) <= width, "{cut:?} at {width}");
            }
        }
        let mut d = Demand::default();
        d.add(Cut::Never, name, 0);
        assert_eq!(d, Demand { whole: 12, need: 12 });
    }
}
