//! Under `--root DIR` the platform verdict rests on the tree alone: the CPUID
//! hypervisor signature and the architecture come from the files the tree declares
//! (`cpuid.signature`, `uname.machine`), never from the machine ctop runs on — a
//! bare-metal tree read on this KVM guest used to be called `kvm`.

mod fixture_tree;

use ctop::collect::platform;
use ctop::source::{FixedSystem, Source, TreeSystem, Uname};
use fixture_tree::machines_in;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/virt")
}

fn platform_json(args: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--json", "--sample-ms", "0"]).args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<Value>(&o.stdout).unwrap()["platform"].clone()
}

#[test]
fn a_bare_metal_tree_read_on_a_virtual_machine_is_bare_metal() {
    let here = platform_json(&[]);
    if here["virtualization"].is_null() {
        // Still checked below, but the mix-up it guards against cannot happen here.
        eprintln!("note: this machine is not a VM; the contrast is not exercised");
    }
    for machine in ["baremetal", "aws-baremetal-x86", "ppc64-baremetal"] {
        let tree = corpus().join(machine);
        let there = platform_json(&["--root", tree.to_str().unwrap()]);
        assert_eq!(there["virtualization"], Value::Null, "{machine}: {there}");
        let evidence = there["evidence"].as_array().unwrap();
        assert!(!evidence.iter().any(|e| e.as_str().unwrap().contains("CPUID")), "{machine}: {evidence:?}");
    }
    // A tree that declares a signature gets its own.
    let kvm = platform_json(&["--root", corpus().join("kvm").to_str().unwrap()]);
    assert_eq!(kvm["virtualization"], "kvm");
}

#[test]
fn every_machine_of_the_corpus_reads_the_same_through_its_own_files() {
    let machines = machines_in(&corpus());
    assert_eq!(machines.len(), 46);
    for machine in machines {
        let dir = corpus().join(&machine);
        let from_tree = platform::collect(&Source::new(&dir, Arc::new(TreeSystem::new(&dir))));
        // The way tests/platform.rs states each machine's facts by hand.
        let signature = std::fs::read_to_string(dir.join("cpuid.signature")).unwrap_or_default();
        let signature = signature.strip_suffix('\n').unwrap_or(&signature).to_string();
        let arch = std::fs::read_to_string(dir.join("uname.machine")).unwrap_or_default().trim().to_string();
        let stated = FixedSystem {
            cpuid: (!signature.is_empty()).then_some(signature),
            uname: Uname { machine: arch, ..Uname::default() },
            ..FixedSystem::default()
        };
        assert_eq!(from_tree, platform::collect(&Source::new(&dir, Arc::new(stated))), "{machine}");
    }
}

#[test]
fn a_tree_that_declares_nothing_has_no_cpuid_and_no_architecture() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sys/class/dmi/id")).unwrap();
    // A cloud that sells only KVM guests is judged KVM only where no CPUID could say.
    std::fs::write(dir.path().join("sys/class/dmi/id/sys_vendor"), "Hetzner\n").unwrap();
    let p = platform::collect(&Source::new(dir.path(), Arc::new(TreeSystem::new(dir.path()))));
    assert_eq!(p.cloud.as_deref(), Some("hetzner"));
    assert!(!p.evidence.iter().any(|e| e.contains("CPUID hypervisor signature")), "{:?}", p.evidence);
}
