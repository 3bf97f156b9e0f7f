//! A filesystem's use percentages by `df`'s rules (coreutils `df.c`, `get_dev`): use %
//! is used / (used + available), inode use % is used / total, and where the divisor is
//! 0 `df` prints `-` (ctop: unknown), never a number made of 0 / 0. Mutation testing
//! found these unchecked by the disk tests (the health and report tests use them).

use ctop::collect::disks::FsUsage;

#[test]
fn inode_use_is_inodes_used_over_the_inode_table_as_df_i_shows_it() {
    // The debian-vm root of tests/disks.rs: 655,360 of 6,553,600 inodes, IUse% 10.
    let root = FsUsage { inodes_total: 6_553_600, inodes_used: 655_360, inodes_free: 5_898_240, ..FsUsage::default() };
    assert_eq!(root.inode_use_percent(), Some(10.0));
    // 3 of 8 inodes: df -i rounds 37.5 up to 38; ctop keeps the fraction.
    let small = FsUsage { inodes_total: 8, inodes_used: 3, inodes_free: 5, ..FsUsage::default() };
    assert_eq!(small.inode_use_percent(), Some(37.5));
    // btrfs, vfat: no inode table (statvfs f_files 0), df -i shows "-".
    let btrfs = FsUsage { size_bytes: 1 << 30, used_bytes: 1 << 20, avail_bytes: 1 << 29, ..FsUsage::default() };
    assert_eq!(btrfs.inode_use_percent(), None);
}

#[test]
fn a_filesystem_with_nothing_used_or_available_has_no_use_percent() {
    // Every free block reserved for root and none used: df's used + available is 0,
    // so its Use% is "-".
    let all_reserved = FsUsage { size_bytes: 1 << 20, ..FsUsage::default() };
    assert_eq!(all_reserved.use_percent(), None);
    // One block used of nothing available to users: 100 %, as df says.
    let full = FsUsage { size_bytes: 1 << 20, used_bytes: 4096, ..FsUsage::default() };
    assert_eq!(full.use_percent(), Some(100.0));
}
