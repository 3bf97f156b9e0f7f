//! `/proc/net/softnet_stat`: per CPU, in hexadecimal, the packets the network receive
//! path processed, the packets it dropped because the backlog queue was full
//! (`net.core.netdev_max_backlog`), and the times it ran out of budget with work left
//! (`time_squeeze`: `net.core.netdev_budget` too small or the CPU too busy). Summed over
//! CPUs; the first three columns have kept their place since 2.6.

use crate::source::Source;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SoftnetCounters {
    pub processed: u64,
    pub dropped: u64,
    pub squeezed: u64,
}

impl SoftnetCounters {
    /// `None` where the file is missing or a line is garbled.
    pub fn read(source: &Source) -> Option<Self> {
        parse(&std::fs::read_to_string(source.path("/proc/net/softnet_stat")).ok()?)
    }
}

pub fn parse(text: &str) -> Option<SoftnetCounters> {
    let mut sum = SoftnetCounters::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split_whitespace().map(|f| u64::from_str_radix(f, 16).ok());
        let (processed, dropped, squeezed) = (fields.next()??, fields.next()??, fields.next()??);
        sum.processed += processed;
        sum.dropped += dropped;
        sum.squeezed += squeezed;
    }
    Some(sum)
}
