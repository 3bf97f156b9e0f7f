//! A cgroup's name as a sysadmin says it, from its path and files alone (never a
//! network call, never a program):
//!
//! - systemd: `system.slice/nginx.service` → `nginx.service`, `session-3.scope`,
//!   `user-1000.slice`; `\x2d`-style escapes undone (`machine-qemu\x2d1.scope`).
//! - Docker: `docker-<id>.scope` (systemd driver) or `docker/<id>` (cgroupfs): the name
//!   and image from `/var/lib/docker/containers/<id>/config.v2.json`, else the short id.
//! - Podman: `libpod-<id>.scope`: the name from
//!   `/var/lib/containers/storage/overlay-containers/containers.json`.
//! - Kubernetes: pods (`kubepods-burstable-pod<uid>.slice`, `kubepods/besteffort/pod<uid>`)
//!   named `namespace/pod` from `/var/log/pods/<ns>_<pod>_<uid>`, their containers
//!   (`cri-containerd-<id>.scope`, `crio-<id>.scope`, `docker-<id>.scope`, `<id>`)
//!   `namespace/pod/container` from `/var/log/containers/<pod>_<ns>_<container>-<id>.log`.
//! - LXC (`lxc.payload.<name>`, `lxc/<name>`) and machined machines (`machine-<name>.scope`:
//!   nspawn containers, libvirt guests).
//!
//! The kubelet and the runtimes write these for their own use; their layout is the
//! documented one of systemd.unit(5), kubelet's cgroup manager, Docker's container
//! store and LXC 4. Every name read from a file is data: it is sanitized for display by
//! the output paths.

use crate::source::Source;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CgroupKind {
    Service,
    Scope,
    Slice,
    Container,
    Pod,
    #[default]
    Other,
}

impl CgroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Scope => "scope",
            Self::Slice => "slice",
            Self::Container => "container",
            Self::Pod => "pod",
            Self::Other => "other",
        }
    }
}

/// What a cgroup is and what to call it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub kind: CgroupKind,
    /// A container's image, where its runtime's files say.
    pub image: Option<String>,
    /// False while the name is a stand-in (a short id, a pod UID) because the runtime's
    /// files did not name it yet: the kubelet makes a pod's cgroup before its log
    /// directory, Docker its cgroup before it is done writing its config.
    pub settled: bool,
}

/// How long a listing of the runtimes' directories is trusted before an unknown id
/// makes it read again.
const RELIST_AFTER: Duration = Duration::from_secs(30);

/// The runtimes' files, read when a cgroup needs them; listings are remembered.
pub struct Namer {
    source: Source,
    podman: Listing<HashMap<String, String>>,
    /// Pod UID (with dashes) → `namespace/pod`.
    pods: Listing<HashMap<String, String>>,
    /// Container id → container name, from `/var/log/containers`.
    kube_containers: Listing<HashMap<String, String>>,
}

/// A directory or file listing and when it was made.
struct Listing<T> {
    value: T,
    at: Option<Instant>,
}

impl<T: Default> Listing<T> {
    fn new() -> Self {
        Self { value: T::default(), at: None }
    }

    /// The listing, made again by `make` when it is older than [`RELIST_AFTER`] and
    /// `stale` says it lacks what is asked.
    fn get(&mut self, stale: impl Fn(&T) -> bool, make: impl FnOnce() -> T) -> &T {
        let old = self.at.is_none_or(|at| at.elapsed() >= RELIST_AFTER);
        if old && (self.at.is_none() || stale(&self.value)) {
            self.value = make();
            self.at = Some(Instant::now());
        }
        &self.value
    }
}

impl Namer {
    pub fn new(source: Source) -> Self {
        Self { source, podman: Listing::new(), pods: Listing::new(), kube_containers: Listing::new() }
    }

    /// Who `path` (`/system.slice/nginx.service`) is.
    pub fn identify(&mut self, path: &str) -> Identity {
        let mut parts = path.rsplit('/').filter(|p| !p.is_empty());
        let Some(last) = parts.next() else {
            return Identity { name: "/".into(), kind: CgroupKind::Slice, image: None, settled: true };
        };
        let parent = parts.next().unwrap_or("");
        let last = unescape(last);
        let pod_uid = pod_uid(parent);

        if let Some(id) = container_id(&last, parent) {
            let (runtime, id) = id;
            if let Some(uid) = pod_uid {
                return self.kube_container(id, &uid);
            }
            return match runtime {
                Runtime::Docker => self.docker(id),
                Runtime::Podman => self.podman(id),
                Runtime::Other => container(short(id).to_string(), None, true),
            };
        }
        if let Some(uid) = pod_uid_of(&last) {
            let pod = self.pod(&uid);
            let settled = pod.is_some();
            let name = pod.unwrap_or_else(|| format!("pod {uid}"));
            return Identity { name, kind: CgroupKind::Pod, image: None, settled };
        }
        if let Some(name) = last.strip_prefix("lxc.payload.") {
            return container(name.to_string(), None, true);
        }
        if parent == "lxc" && !last.starts_with("lxc.") {
            return container(last.to_string(), None, true);
        }
        if let Some(name) = last.strip_prefix("machine-").and_then(|n| n.strip_suffix(".scope")) {
            return container(name.to_string(), None, true);
        }
        let kind = if last.ends_with(".service") {
            CgroupKind::Service
        } else if last.ends_with(".scope") {
            CgroupKind::Scope
        } else if last.ends_with(".slice") {
            CgroupKind::Slice
        } else {
            CgroupKind::Other
        };
        Identity { name: last, kind, image: None, settled: true }
    }

    fn docker(&mut self, id: &str) -> Identity {
        match docker_config(&self.source, id) {
            Some((name, image)) => container(name, image, true),
            None => container(short(id).to_string(), None, false),
        }
    }

    fn podman(&mut self, id: &str) -> Identity {
        let source = &self.source;
        let names = self.podman.get(|m| !m.contains_key(id), || podman_names(source));
        match names.get(id) {
            Some(name) => container(name.clone(), None, true),
            None => container(short(id).to_string(), None, false),
        }
    }

    fn pod(&mut self, uid: &str) -> Option<String> {
        let source = &self.source;
        self.pods.get(|m| !m.contains_key(uid), || kube_pods(source)).get(uid).cloned()
    }

    fn kube_container(&mut self, id: &str, uid: &str) -> Identity {
        let pod = self.pod(uid);
        let source = &self.source;
        let names = self.kube_containers.get(|m| !m.contains_key(id), || kube_container_names(source));
        // A sandbox ("pause") container never has a log: its short id is its name.
        let container_name = names.get(id).cloned().unwrap_or_else(|| short(id).to_string());
        let settled = pod.is_some();
        let name = match pod {
            Some(pod) => format!("{pod}/{container_name}"),
            None => container_name,
        };
        container(name, None, settled)
    }
}

fn container(name: String, image: Option<String>, settled: bool) -> Identity {
    Identity { name, kind: CgroupKind::Container, image, settled }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runtime {
    Docker,
    Podman,
    Other,
}

/// The runtime and container id a cgroup's last component names, if it is a container.
fn container_id<'a>(last: &'a str, parent: &str) -> Option<(Runtime, &'a str)> {
    let scoped = |prefix: &str| last.strip_prefix(prefix)?.strip_suffix(".scope").filter(|id| is_id(id));
    if let Some(id) = scoped("docker-") {
        return Some((Runtime::Docker, id));
    }
    if let Some(id) = scoped("libpod-").or_else(|| last.strip_prefix("libpod-").filter(|id| is_id(id))) {
        return Some((Runtime::Podman, id));
    }
    if let Some(id) = scoped("crio-").or_else(|| scoped("cri-containerd-")) {
        return Some((Runtime::Other, id));
    }
    if is_id(last) {
        let runtime = if parent == "docker" { Runtime::Docker } else { Runtime::Other };
        return Some((runtime, last));
    }
    None
}

/// A container id: 64 hex digits.
fn is_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The 12 characters `docker ps` shows.
fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// The pod UID a pod cgroup's name carries, with dashes: `pod<uid>` (cgroupfs driver)
/// or `kubepods[-<qos>]-pod<uid with _>.slice` (systemd driver).
fn pod_uid_of(component: &str) -> Option<String> {
    let uid = match component.strip_suffix(".slice") {
        Some(slice) if slice.starts_with("kubepods") => slice.rsplit_once("-pod")?.1.replace('_', "-"),
        Some(_) => return None,
        None => component.strip_prefix("pod")?.to_string(),
    };
    let looks_like_uid = uid.len() == 36 && uid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    looks_like_uid.then_some(uid)
}

fn pod_uid(parent: &str) -> Option<String> {
    pod_uid_of(&unescape(parent))
}

/// systemd's `\xNN` escapes undone (`qemu\x2d1` → `qemu-1`).
fn unescape(s: &str) -> String {
    if !s.contains("\\x") {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && bytes.get(i + 1) == Some(&b'x')
            && let Some(b) = s.get(i + 2..i + 4).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 4;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Name and image of a Docker container from its `config.v2.json`.
fn docker_config(source: &Source, id: &str) -> Option<(String, Option<String>)> {
    #[derive(serde::Deserialize)]
    struct Config {
        #[serde(rename = "Name")]
        name: String,
        #[serde(rename = "Config")]
        config: Option<Inner>,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(rename = "Image")]
        image: Option<String>,
    }
    let text = source.read(format!("/var/lib/docker/containers/{id}/config.v2.json")).ok()?;
    let config: Config = serde_json::from_str(&text).ok()?;
    let name = config.name.trim_start_matches('/').to_string();
    (!name.is_empty()).then(|| (name, config.config.and_then(|c| c.image)))
}

/// Container id → first name, from Podman's (rootful) container store.
fn podman_names(source: &Source) -> HashMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Entry {
        id: String,
        #[serde(default)]
        names: Vec<String>,
    }
    let text = source.read("/var/lib/containers/storage/overlay-containers/containers.json").unwrap_or_default();
    let entries: Vec<Entry> = serde_json::from_str(&text).unwrap_or_default();
    entries.into_iter().filter_map(|e| Some((e.id, e.names.into_iter().next()?))).collect()
}

/// Pod UID → `namespace/pod`, from the kubelet's `/var/log/pods/<ns>_<pod>_<uid>`.
fn kube_pods(source: &Source) -> HashMap<String, String> {
    let Ok(dir) = std::fs::read_dir(source.path("/var/log/pods")) else { return HashMap::new() };
    dir.filter_map(|e| {
        let name = e.ok()?.file_name().into_string().ok()?;
        // Namespaces and pod names never hold `_` (DNS labels); the UID is last.
        let mut parts = name.splitn(3, '_');
        let (ns, pod, uid) = (parts.next()?, parts.next()?, parts.next()?);
        Some((uid.to_string(), format!("{ns}/{pod}")))
    })
    .collect()
}

/// Container id → container name, from `/var/log/containers/<pod>_<ns>_<container>-<id>.log`.
fn kube_container_names(source: &Source) -> HashMap<String, String> {
    let Ok(dir) = std::fs::read_dir(source.path("/var/log/containers")) else { return HashMap::new() };
    dir.filter_map(|e| {
        let name = e.ok()?.file_name().into_string().ok()?;
        let stem = name.strip_suffix(".log")?;
        let (rest, id) = stem.rsplit_once('-')?;
        let container = rest.splitn(3, '_').nth(2)?;
        is_id(id).then(|| (id.to_string(), container.to_string()))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FixedSystem;
    use std::sync::Arc;

    fn namer() -> Namer {
        Namer::new(Source::new("/nonexistent-ctop-root", Arc::new(FixedSystem::default())))
    }

    fn who(path: &str) -> (String, CgroupKind) {
        let id = namer().identify(path);
        (id.name, id.kind)
    }

    const ID: &str = "4f1b0b6a5d0c8f6e2d9a7b3c1e5f7a9b0c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f";

    #[test]
    fn systemd_units_are_named_by_their_unit() {
        assert_eq!(who("/system.slice/nginx.service"), ("nginx.service".into(), CgroupKind::Service));
        assert_eq!(who("/user.slice/user-1000.slice/session-3.scope"), ("session-3.scope".into(), CgroupKind::Scope));
        assert_eq!(who("/user.slice/user-1000.slice"), ("user-1000.slice".into(), CgroupKind::Slice));
        assert_eq!(
            who("/system.slice/system-getty.slice/getty@tty1.service"),
            ("getty@tty1.service".into(), CgroupKind::Service)
        );
        assert_eq!(
            who("/machine.slice/machine-qemu\\x2d1\\x2dweb.scope"),
            ("qemu-1-web".into(), CgroupKind::Container)
        );
    }

    #[test]
    fn containers_without_their_runtime_s_files_are_named_by_short_id() {
        let short = ID[..12].to_string();
        assert_eq!(who(&format!("/system.slice/docker-{ID}.scope")), (short.clone(), CgroupKind::Container));
        assert_eq!(who(&format!("/docker/{ID}")), (short.clone(), CgroupKind::Container));
        assert_eq!(who(&format!("/machine.slice/libpod-{ID}.scope")), (short.clone(), CgroupKind::Container));
        assert_eq!(who("/lxc.payload.web1"), ("web1".into(), CgroupKind::Container));
        assert_eq!(who("/lxc/web2"), ("web2".into(), CgroupKind::Container));
        let pod =
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_0000_4a5b_8c9d_0123456789ab.slice";
        assert_eq!(who(pod), ("pod 1b2c3d4e-0000-4a5b-8c9d-0123456789ab".into(), CgroupKind::Pod));
        assert_eq!(who(&format!("{pod}/cri-containerd-{ID}.scope")), (short, CgroupKind::Container));
        assert_eq!(who("/kubepods/besteffort/pod1b2c3d4e-0000-4a5b-8c9d-0123456789ab").1, CgroupKind::Pod);
        // Stand-ins are named again on later walks; what needs no file is settled.
        assert!(!namer().identify(pod).settled);
        assert!(!namer().identify(&format!("/system.slice/docker-{ID}.scope")).settled);
        assert!(namer().identify("/system.slice/nginx.service").settled);
        assert_eq!(who("/kubepods.slice/kubepods-besteffort.slice").1, CgroupKind::Slice);
    }

    #[test]
    fn escapes_that_do_not_decode_are_kept() {
        assert_eq!(unescape("a\\x2db"), "a-b");
        assert_eq!(unescape("a\\xzz\\x2"), "a\\xzz\\x2");
        assert_eq!(unescape("\\xff"), "\u{fffd}");
    }
}
