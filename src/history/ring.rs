//! The two bounded containers history is made of: a [`Ring`] of fixed-size records
//! that drops its oldest when full, and a [`Spill`] holding the variable-length parts
//! of those records (one entry per core, per interface, per mount) in one deque, so a
//! sample costs no allocation of its own.

use std::collections::VecDeque;

/// At most `capacity` records, oldest first; preallocated, so its memory is known.
#[derive(Debug)]
pub struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self { items: VecDeque::with_capacity(capacity), capacity }
    }

    /// Drops the oldest record when the ring is full, returning it: call before
    /// [`Ring::push`], so its spilled entries can go before the new record's come.
    pub fn make_room(&mut self) -> Option<T> {
        if self.items.len() == self.capacity { self.items.pop_front() } else { None }
    }

    /// Adds `item` (the oldest goes if [`Ring::make_room`] was not called).
    pub fn push(&mut self, item: T) {
        self.make_room();
        self.items.push_back(item);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.items.get(i)
    }

    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.items.iter_mut()
    }

    /// The index of the last record whose key is at or before `key`, for records kept in
    /// key order (times).
    pub fn last_at_or_before(&self, key: i64, key_of: impl Fn(&T) -> i64) -> Option<usize> {
        let after = self.items.partition_point(|r| key_of(r) <= key);
        after.checked_sub(1)
    }

    /// Bytes allocated for the records themselves.
    pub fn bytes(&self) -> usize {
        self.items.capacity() * size_of::<T>()
    }
}

/// Where one record's entries are in a [`Spill`]: the index of the first among all
/// ever pushed (48 bits: never wraps) and how many (16 bits), in 8 bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span(u64);

impl Span {
    fn new(start: u64, len: u16) -> Self {
        Span(start << 16 | u64::from(len))
    }

    pub fn start(self) -> u64 {
        self.0 >> 16
    }

    pub fn len(self) -> u16 {
        self.0 as u16
    }
}

/// The variable-length parts of a ring's records, in the same order. Entries are
/// dropped from the front as their records leave the ring.
#[derive(Debug)]
pub struct Spill<T> {
    items: VecDeque<T>,
    /// How many entries were ever dropped: the global index of `items[0]`.
    dropped: u64,
}

impl<T> Default for Spill<T> {
    fn default() -> Self {
        Self { items: VecDeque::new(), dropped: 0 }
    }
}

impl<T: Copy> Spill<T> {
    /// Room for `capacity` entries up front: the ring's capacity times the entries a
    /// record had when history started.
    pub fn reserve(&mut self, capacity: usize) {
        self.items.reserve(capacity.saturating_sub(self.items.len()));
    }

    /// Appends one record's entries (at most `u16::MAX`).
    pub fn push(&mut self, entries: impl IntoIterator<Item = T>) -> Span {
        let start = self.dropped + self.items.len() as u64;
        let before = self.items.len();
        self.items.extend(entries.into_iter().take(u16::MAX as usize));
        Span::new(start, (self.items.len() - before) as u16)
    }

    /// Drops the entries of a record that left its ring (always the oldest ones).
    pub fn drop_front(&mut self, span: Span) {
        let end = span.start() + u64::from(span.len());
        while self.dropped < end && self.items.pop_front().is_some() {
            self.dropped += 1;
        }
    }

    pub fn get(&self, span: Span) -> impl Iterator<Item = &T> {
        let from = span.start().saturating_sub(self.dropped) as usize;
        let live = span.start() >= self.dropped;
        self.items.range(from.min(self.items.len())..).take(if live { span.len() as usize } else { 0 })
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.items.iter_mut()
    }

    pub fn bytes(&self) -> usize {
        self.items.capacity() * size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_keeps_the_newest_and_a_spill_follows_it() {
        let mut ring: Ring<(u16, Span)> = Ring::new(3);
        let mut spill = Spill::default();
        for i in 0..10u16 {
            if let Some(old) = ring.make_room() {
                spill.drop_front(old.1);
            }
            let span = spill.push((0..i % 3).map(|k| i * 10 + k));
            ring.push((i, span));
        }
        assert_eq!(ring.iter().map(|r| r.0).collect::<Vec<_>>(), [7, 8, 9]);
        let entries: Vec<u16> = ring.iter().flat_map(|r| spill.get(r.1).copied().collect::<Vec<_>>()).collect();
        assert_eq!(entries, [70, 80, 81]);
        assert_eq!(spill.items.len(), 3);
        assert_eq!(ring.last_at_or_before(8, |r| i64::from(r.0)), Some(1));
        assert_eq!(ring.last_at_or_before(6, |r| i64::from(r.0)), None);
    }
}
