//! The slow tier's sample: per filesystem its state and sizes (6 × `f32`), in chunks of
//! [`MOUNT_CHUNK`] filesystems, each shared with the sample before while all of its
//! filesystems are unchanged (a node's thousand mounts, of which a few change), the
//! listening sockets, shared with the previous sample while they have not changed
//! (they rarely do), the network stack's health ([`super::network`]), the kernel's
//! file and task counts against their limits, and the RAID arrays, shared like the
//! sockets while unchanged.
//! [`decode_mount`] gives the filesystems back, with device and type taken from the
//! latest list where the mount point is still mounted.

use super::names::{NameId, Names};
use super::network::NetworkRecord;
use crate::collect::disks::{Filesystem, FsUsage, Usage};
use crate::collect::kernel_limits::KernelLimits;
use crate::collect::ports::ListeningSocket;
use crate::collect::raid::MdArray;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct SlowRecord {
    pub at_ms: i64,
    /// The filesystems, in chunks shared with the previous sample where unchanged.
    pub mounts: Box<[MountChunk]>,
    pub listening: Arc<[ListeningSocket]>,
    pub network: NetworkRecord,
    /// Open files, `file-max`, tasks, `pid_max`, `threads-max` (NaN: unknown); `f32`
    /// counts exactly to 16 million, and a limit beyond that to 7 digits.
    pub kernel_limits: [f32; 5],
    pub raid: Arc<[MdArray]>,
}

pub fn encode_limits(k: &KernelLimits) -> [f32; 5] {
    [k.open_files, k.file_max, k.tasks, k.pid_max, k.threads_max].map(|v| v.map_or(f32::NAN, |n| n as f32))
}

pub fn decode_limits(v: &[f32; 5]) -> KernelLimits {
    let [open_files, file_max, tasks, pid_max, threads_max] = v.map(|n| (!n.is_nan()).then_some(n as u64));
    KernelLimits { open_files, file_max, tasks, pid_max, threads_max }
}

/// Filesystems per chunk: small enough that one changing filesystem costs 2 KB a sample,
/// large enough that the chunks of a thousand mounts are a few hundred bytes of pointers.
pub const MOUNT_CHUNK: usize = 64;

pub type MountChunk = Arc<[MountRecord]>;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MountRecord {
    pub name: NameId,
    /// Bit 0 read-only, 1 remounted read-only, 2 device missing; bits 4–5 the usage's
    /// state: 0 measured, 1 not responding, 2 unavailable.
    pub flags: u8,
    /// Seconds waited on a mount that does not respond.
    pub waiting_s: f32,
    /// size, used, avail bytes; inodes total, used, free.
    pub sizes: [f32; 6],
}

pub fn encode_mount(fs: &Filesystem, names: &mut Names) -> Option<MountRecord> {
    let name = names.id_shared(&fs.mountpoint)?;
    let (state, waiting_s, u) = match &fs.usage {
        Usage::Measured(u) => (0u8, 0.0, *u),
        Usage::NotResponding { waiting_secs } => (1, *waiting_secs as f32, FsUsage::default()),
        Usage::Unavailable { .. } => (2, 0.0, FsUsage::default()),
    };
    let flags =
        u8::from(fs.read_only) | u8::from(fs.remounted_read_only) << 1 | u8::from(fs.device_missing) << 2 | state << 4;
    let sizes =
        [u.size_bytes, u.used_bytes, u.avail_bytes, u.inodes_total, u.inodes_used, u.inodes_free].map(|v| v as f32);
    Some(MountRecord { name, flags, waiting_s, sizes })
}

/// `encoded` in chunks, each `previous`'s chunk at the same place where equal to it.
pub fn share_chunks(encoded: &[MountRecord], previous: Option<&[MountChunk]>) -> Box<[MountChunk]> {
    encoded
        .chunks(MOUNT_CHUNK)
        .enumerate()
        .map(|(i, chunk)| match previous.and_then(|p| p.get(i)) {
            Some(before) if **before == *chunk => Arc::clone(before),
            _ => Arc::from(chunk),
        })
        .collect()
}

/// Gives every record in `samples` its name as `rename` says, keeping chunks shared by
/// several samples shared (each is rewritten once).
pub fn rename_mounts<'a>(samples: impl Iterator<Item = &'a mut Box<[MountChunk]>>, rename: impl Fn(NameId) -> NameId) {
    let samples: Vec<&mut Box<[MountChunk]>> = samples.collect();
    let mut renamed: HashMap<*const MountRecord, MountChunk> = HashMap::new();
    // Built while every old chunk is alive, so no address is reused meanwhile.
    let new: Vec<Box<[MountChunk]>> = samples
        .iter()
        .map(|chunks| {
            chunks
                .iter()
                .map(|chunk| {
                    let fresh = || chunk.iter().map(|m| MountRecord { name: rename(m.name), ..*m }).collect();
                    Arc::clone(renamed.entry(chunk.as_ptr()).or_insert_with(fresh))
                })
                .collect()
        })
        .collect();
    for (chunks, new) in samples.into_iter().zip(new) {
        *chunks = new;
    }
}

/// Bytes `chunks` hold that `previous` (the sample before) does not share.
pub fn mounts_bytes(chunks: &[MountChunk], previous: Option<&[MountChunk]>) -> usize {
    let own = |(i, chunk): (usize, &MountChunk)| {
        let shared = previous.and_then(|p| p.get(i)).is_some_and(|before| Arc::ptr_eq(before, chunk));
        if shared { 0 } else { size_of_val(&**chunk) + 2 * size_of::<usize>() }
    };
    size_of_val(chunks) + chunks.iter().enumerate().map(own).sum::<usize>()
}

pub fn decode_mount(m: &MountRecord, names: &Names, now: &[Filesystem]) -> Filesystem {
    let mountpoint = names.name(m.name);
    let live = now.iter().find(|f| *f.mountpoint == *mountpoint);
    let [size_bytes, used_bytes, avail_bytes, inodes_total, inodes_used, inodes_free] = m.sizes.map(|v| v as u64);
    let usage = match m.flags >> 4 {
        0 => Usage::Measured(FsUsage { size_bytes, used_bytes, avail_bytes, inodes_total, inodes_used, inodes_free }),
        1 => Usage::NotResponding { waiting_secs: f64::from(m.waiting_s) },
        _ => Usage::Unavailable { reason: "unavailable".into() },
    };
    Filesystem {
        device: live.map_or_else(|| "?".into(), |f| f.device.clone()),
        mountpoint: live.map_or_else(|| Arc::from(mountpoint), |f| Arc::clone(&f.mountpoint)),
        fstype: live.map_or_else(|| "?".into(), |f| f.fstype.clone()),
        read_only: m.flags & 1 != 0,
        remounted_read_only: m.flags & 2 != 0,
        device_missing: m.flags & 4 != 0,
        usage,
    }
}
