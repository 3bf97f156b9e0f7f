//! The dashboard drawn on ratatui's TestBackend from a hand-built snapshot of a sick
//! web server, at the sizes people use (80×24 console, 120×40 tmux, 250×70 monitor)
//! and at sizes too small to use.

use ctop::collect::clock::Clock;
use ctop::collect::cpu::{Cpu, CpuModel, CpuUsage, Load};
use ctop::collect::disks::{Filesystem, FsUsage, Usage};
use ctop::collect::distro::Distro;
use ctop::collect::host::Host;
use ctop::collect::memory::{Memory, Swap};
use ctop::collect::net::{Address, Interface, NetCounters, NetRates};
use ctop::collect::platform::Platform;
use ctop::collect::ports::{ListeningSocket, Protocol};
use ctop::collect::procs::{ProcessRow, Processes, Repeated};
use ctop::health::{Finding, Findings, Key, Severity};
use ctop::snapshot::Snapshot;
use ctop::ui::dashboard::draw;
use ctop::ui::screen::Screen;
use ctop::ui::table::Motion;
use ctop::ui::theme::Theme;
use ctop::ui::view::{SortBy, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use std::sync::Arc;
use std::time::Instant;

const GIB: u64 = 1 << 30;
const EPOCH: i64 = 1_795_990_987;

fn usage(user: f64, system: f64) -> CpuUsage {
    CpuUsage { user, system, iowait: 1.0, steal: 0.5, idle: 100.0 - user - system - 1.5 }
}

fn filesystem(mountpoint: &str, size_gib: u64, used_percent: u64) -> Filesystem {
    let size = size_gib * GIB;
    let used = size / 100 * used_percent;
    Filesystem {
        device: format!("/dev/sd{}", mountpoint.len()).into(),
        mountpoint: mountpoint.into(),
        fstype: "ext4".into(),
        read_only: false,
        remounted_read_only: false,
        device_missing: false,
        usage: Usage::Measured(FsUsage {
            size_bytes: size,
            used_bytes: used,
            avail_bytes: size - used,
            inodes_total: 1_000_000,
            inodes_used: 120_000,
            inodes_free: 880_000,
        }),
    }
}

fn interface(name: &str, addresses: &[(&str, u8)], carrier: bool) -> Interface {
    Interface {
        name: name.into(),
        operstate: if carrier { "up".into() } else { "down".into() },
        admin_up: true,
        carrier: Some(carrier),
        speed_mbps: carrier.then_some(1000),
        duplex: Some("full".into()),
        mtu: Some(1500),
        mac: Some("52:54:00:12:34:56".into()),
        kind: "ether".into(),
        addresses: addresses.iter().map(|(ip, len)| Address { ip: ip.parse().unwrap(), prefix_len: *len }).collect(),
        counters: Some(NetCounters { rx_bytes: 1 << 40, tx_bytes: 1 << 38, ..NetCounters::default() }),
        rates: Some(NetRates { rx_bytes_per_s: 1_250_000.0, tx_bytes_per_s: 40_000.0, ..Default::default() }),
        bond_slave: false,
    }
}

fn process(pid: u32, name: &str, cpu: f32, rss: u64) -> ProcessRow {
    ProcessRow {
        pid,
        ppid: 1,
        user: "www-data".into(),
        name: name.into(),
        cmdline: format!("/usr/sbin/{name} -k start --config /etc/{name}/main.conf").into(),
        state: if name == "defunct-child" { 'Z' } else { 'S' },
        cpu_percent: Some(cpu),
        rss_bytes: rss,
        threads: 4,
        kernel_thread: false,
        io: None,
    }
}

/// A web server in trouble: /var nearly full, load over the CPU count, eth1 without
/// cable, 80 apache workers, a zombie.
fn sick_server() -> Snapshot {
    let mut list: Vec<ProcessRow> =
        (0..80).map(|i| process(2000 + i, "apache2", 0.5 + i as f32 * 0.01, 30 << 20)).collect();
    list.extend(
        (0..120).map(|i| process(3000 + i, &format!("worker-{i:03}"), 40.0 - i as f32 * 0.3, (200 - i as u64) << 20)),
    );
    list.push(process(812, "sshd", 0.0, 8 << 20));
    list.push(process(4000, "postgres", 95.0, 2 * GIB));
    list.push(process(4001, "defunct-child", 0.0, 0));
    let processes = Processes {
        total: list.len(),
        running: 3,
        sleeping: list.len() - 4,
        zombie: 1,
        threads: list.len() * 4,
        repeated: vec![
            Repeated { name: "apache2".into(), count: 80 },
            Repeated { name: "php-fpm".into(), count: 24 },
            Repeated { name: "bash".into(), count: 6 },
            Repeated { name: "sshd".into(), count: 3 },
        ]
        .into_iter()
        .chain((0..20).map(|i| Repeated { name: format!("kworker-{i:02}").into(), count: 2 }))
        .collect(),
        list,
        ..Processes::default()
    };
    let mut filesystems = vec![filesystem("/", 40, 61), filesystem("/var", 100, 97), filesystem("/boot", 1, 30)];
    filesystems.extend((0..30).map(|i| filesystem(&format!("/srv/data{i:02}"), 500, 40 + i)));
    let mut interfaces = vec![
        interface("lo", &[("127.0.0.1", 8), ("::1", 128)], true),
        interface(
            "eth0",
            &[("10.0.0.5", 24), ("10.0.0.6", 24), ("2001:db8::5", 64), ("fe80::5054:ff:fe12:3456", 64)],
            true,
        ),
        interface("eth1", &[], false),
    ];
    interfaces.extend((0..20).map(|i| interface(&format!("veth{i:02}"), &[("172.17.0.1", 16)], true)));
    let listening = [22u16, 80, 443, 5432, 6379, 9100]
        .iter()
        .chain(&[8000, 8001, 8002, 8003, 8004, 8005, 8006, 8007, 8008, 8009, 8010, 8011])
        .map(|&port| ListeningSocket {
            protocol: Protocol::Tcp,
            address: "0.0.0.0".parse().unwrap(),
            port,
            uid: 0,
            inode: port as u64,
            pid: Some(812),
            process: Some(if port == 22 { "sshd".into() } else { "nginx".into() }),
            sockets: if port == 80 { 8 } else { 1 },
            established: None,
            syn_recv: None,
            accept_queue: None,
            accept_queue_limit: None,
        })
        .collect();
    Snapshot {
        host: Host {
            hostname: Some("web-01".into()),
            kernel_name: Some("Linux".into()),
            kernel_release: Some("6.1.0-18-amd64".into()),
            kernel_version: Some("#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1".into()),
            arch: Some("x86_64".into()),
            distro: Distro {
                id: Some("debian".into()),
                name: Some("Debian GNU/Linux".into()),
                version: Some("12".into()),
                codename: Some("bookworm".into()),
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
                ..Distro::default()
            },
        },
        platform: Platform { virtualization: Some("kvm".into()), ..Platform::default() },
        time: Clock {
            epoch: EPOCH,
            local: "2026-11-24 14:03:07".into(),
            zone: "CET".into(),
            utc_offset: "+01:00".into(),
            zone_name: Some("Europe/Paris".into()),
            uptime_seconds: Some(3.0 * 86_400.0 + 4.0 * 3600.0),
            boot_epoch: Some(EPOCH - 273_600),
            boot_local: Some("2026-11-21 10:03:07".into()),
            ..Clock::default()
        },
        cpu: Cpu {
            model: CpuModel {
                model: Some("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz".into()),
                sockets: Some(1),
                physical_cores: Some(4),
                logical_cpus: 4,
                mhz: Some(2394.0),
            },
            total: Some(usage(55.0, 20.0)),
            per_core: vec![usage(80.0, 10.0), usage(40.0, 30.0), usage(50.0, 20.0), usage(50.0, 20.0)],
            load: Some(Load { one: 5.2, five: 4.1, fifteen: 3.0, runnable: 6, entities: 900 }),
        },
        memory: Some(Memory {
            total_bytes: 8 * GIB,
            available_bytes: 3 * GIB,
            used_bytes: 5 * GIB,
            free_bytes: GIB / 2,
            buffers_bytes: GIB / 8,
            cached_bytes: 2 * GIB,
        }),
        swap: Some(Swap { total_bytes: 2 * GIB, used_bytes: GIB / 4, free_bytes: 2 * GIB - GIB / 4 }),
        filesystems,
        interfaces,
        listening,
        processes: Some(Arc::new(processes)),
        processes_scanned_at: Some(Instant::now()),
        ..Snapshot::default()
    }
}

fn finding(severity: Severity, key: Key, subject: &str, message: &str, excess: f64) -> Finding {
    Finding { severity, subject: subject.into(), message: message.into(), key, excess }
}

fn sick_findings() -> Findings {
    Findings::new(vec![
        finding(Severity::Warning, Key::Load, "load", "load 5.20 over 4 CPUs", 1.3),
        finding(Severity::Error, Key::FsSpace("/var".into()), "/var", "/var 97% full, 3.00 GiB left", 2.0),
        finding(Severity::Error, Key::Interface("eth1".into()), "eth1", "eth1 up but no cable", 1.0),
        finding(Severity::Warning, Key::Repeated("apache2".into()), "apache2", "apache2 has 80 instances", 1.6),
        finding(Severity::Warning, Key::Zombies, "zombies", "1 zombie process", 0.1),
    ])
}

fn render_with(width: u16, height: u16, snapshot: &Snapshot, findings: &Findings, theme: Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut view = View::default();
    let screen = Screen { snapshot, findings, theme, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, &mut view)).unwrap();
    terminal.backend().buffer().clone()
}

fn render(width: u16, height: u16) -> Buffer {
    render_with(width, height, &sick_server(), &sick_findings(), Theme::COLOR)
}

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height).map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>()).collect()
}

fn screen_text(buf: &Buffer) -> String {
    lines(buf).join("\n")
}

/// How many of `names` appear somewhere on the screen.
fn shown(buf: &Buffer, names: impl Iterator<Item = String>) -> usize {
    let text = screen_text(buf);
    names.filter(|n| text.contains(n.as_str())).count()
}

fn process_rows(buf: &Buffer) -> usize {
    shown(buf, (0..120).map(|i| format!("worker-{i:03}")))
}

fn filesystem_rows(buf: &Buffer) -> usize {
    shown(buf, (0..30).map(|i| format!("/srv/data{i:02}")))
}

fn interface_rows(buf: &Buffer) -> usize {
    shown(buf, (0..20).map(|i| format!("veth{i:02}")))
}

/// The position of `needle` on the first line that also contains `context`.
fn find(buf: &Buffer, context: &str, needle: &str) -> (u16, u16) {
    for (y, line) in lines(buf).iter().enumerate() {
        if line.contains(context)
            && let Some(byte) = line.find(needle)
        {
            return (line[..byte].chars().count() as u16, y as u16);
        }
    }
    panic!("no line with {context:?} and {needle:?} in\n{}", screen_text(buf));
}

/// The position of the first of `words` on the first line where they follow one
/// another (separated by blanks only).
fn find_words(buf: &Buffer, words: &[&str]) -> (u16, u16) {
    for (y, line) in lines(buf).iter().enumerate() {
        let tokens: Vec<(usize, &str)> = line
            .split(' ')
            .scan(0, |at, t| {
                let start = *at;
                *at += t.len() + 1;
                Some((start, t))
            })
            .filter(|(_, t)| !t.is_empty())
            .collect();
        if let Some(w) = tokens.windows(words.len()).find(|w| w.iter().map(|(_, t)| *t).eq(words.iter().copied())) {
            return (line[..w[0].0].chars().count() as u16, y as u16);
        }
    }
    panic!("no line with {words:?} in\n{}", screen_text(buf));
}

#[test]
fn every_area_is_on_screen_at_common_sizes() {
    for (w, h) in [(80, 24), (120, 40), (250, 70)] {
        let buf = render(w, h);
        let text = screen_text(&buf);
        for expected in [
            "web-01",
            "Debian GNU/Linux 12",
            &EPOCH.to_string(),
            "up 3d 4h 00m",
            "load",
            "5.20 4.10 3.00",
            "Mem",
            "Swap",
            "/var",
            "eth0",
            "10.0.0.5/24",
            "0.0.0.0:22",
            "postgres",
            "apache2",
            "Repeated",
            "/var 97% full",
            "scan 0s ago (r)",
        ] {
            assert!(text.contains(expected), "{w}x{h} lacks {expected:?}:\n{text}");
        }
    }
}

#[test]
fn the_80x24_screen_reads_well() {
    let buf = render(80, 24);
    let l = lines(&buf);
    assert!(l[0].starts_with("web-01 · Debian GNU/Linux 12 · 6.1.0-18-amd64 · KVM VM"), "{}", l[0]);
    assert!(l[0].ends_with("? help"), "{}", l[0]);
    assert_eq!(l[1].trim_end(), "2026-11-24 14:03:07 CET · epoch 1795990987 · up 3d 4h 00m · boot 11-21 10:03");
    assert!(l[2].starts_with("!! /var 97% full, 3.00 GiB left · !! eth1 up but no cable"), "{}", l[2]);
    assert!(l[2].trim_end().ends_with("more"), "{}", l[2]);
    assert!(
        l[3].starts_with("CPU  76% busy · us  55% sy  20% io 1.0% st 0.5% · load ! 5.20 4.10 3.00 / 4 CPUs"),
        "{}",
        l[3]
    );
    assert!(l[4].starts_with("Mem  62% 5.00 GiB of 8.00 GiB · avail 3.00 GiB"), "{}", l[4]);
}

#[test]
fn bigger_terminals_show_strictly_more() {
    let (small, medium, large) = (render(80, 24), render(120, 40), render(250, 70));
    for rows in [process_rows, filesystem_rows, interface_rows] {
        let (s, m, l) = (rows(&small), rows(&medium), rows(&large));
        assert!(s > 0 && s < m && m < l, "{s} {m} {l}");
    }
    // Detail that only a bigger screen has room for: every address, the user and the
    // command line, per-core bars, the CPU model.
    let text = screen_text(&large);
    for detail in ["2001:db8::5/64", "www-data", "-k start --config", "Xeon", "  3 [", "boot epoch", "nginx/812 (8)"] {
        assert!(text.contains(detail), "250x70 lacks {detail:?}");
    }
    assert!(!screen_text(&small).contains("2001:db8::5/64"));
}

#[test]
fn warnings_are_yellow_errors_red_and_both_carry_a_marker() {
    for (w, h) in [(80, 24), (250, 70)] {
        let buf = render(w, h);
        let (x, y) = find(&buf, "/var ", "97%");
        assert_eq!(buf[(x, y)].fg, Color::Red, "{w}x{h} /var use %");
        assert!(lines(&buf)[y as usize].starts_with("!!"), "{w}x{h} marker for /var");

        let (x, y) = find(&buf, "/ 4 CPUs", "5.20");
        assert_eq!(buf[(x, y)].fg, Color::Yellow, "{w}x{h} load");
        assert_eq!(buf[(x - 2, y)].symbol(), "!");

        // eth1's row in the network table (its name, then its link cell), not the
        // problem line above that also names it.
        let (x, y) = find_words(&buf, &["eth1", "no", "cable"]);
        assert_eq!(buf[(x, y)].fg, Color::Red, "{w}x{h} eth1 name");
        let row = &lines(&buf)[y as usize];
        let name_at = row.char_indices().nth(x as usize).unwrap().0;
        let link = row[..name_at + row[name_at..].find("no cable").unwrap()].chars().count() as u16;
        assert_eq!(buf[(link, y)].fg, Color::Red, "{w}x{h} eth1 link");
        assert_eq!((buf[(x - 3, y)].symbol(), buf[(x - 2, y)].symbol()), ("!", "!"), "{w}x{h} eth1 marker");
        // A healthy interface on the same table stays plain.
        let (x, y) = find_words(&buf, &["eth0", "up"]);
        assert_eq!(buf[(x, y)].fg, Color::Reset, "{w}x{h} eth0");

        let (x, y) = find(&buf, "80", "apache2");
        assert_eq!(buf[(x, y)].fg, Color::Yellow, "{w}x{h} repeated apache2");
    }
}

#[test]
fn values_not_judged_stay_plain() {
    let buf = render(120, 40);
    let (x, y) = find(&buf, "/boot", "30%");
    assert_eq!(buf[(x, y)].fg, Color::Reset);
    assert!(!lines(&buf)[y as usize].starts_with('!'));
}

#[test]
fn without_colour_the_markers_still_tell() {
    let buf = render_with(120, 40, &sick_server(), &sick_findings(), Theme::MONO);
    let colours: Vec<Color> = buf.content.iter().map(|c| c.fg).filter(|&c| c != Color::Reset).collect();
    assert!(colours.is_empty(), "{colours:?}");
    let text = screen_text(&buf);
    assert!(text.contains("!! /var 97% full"));
    assert!(text.contains("load ! 5.20"));
}

#[test]
fn before_the_first_samples_values_are_pending() {
    let mut snapshot = sick_server();
    snapshot.cpu.total = None;
    snapshot.cpu.per_core.clear();
    snapshot.interfaces.iter_mut().for_each(|i| i.rates = None);
    snapshot.processes = None;
    snapshot.processes_scanned_at = None;
    let buf = render_with(120, 40, &snapshot, &Findings::default(), Theme::COLOR);
    let text = screen_text(&buf);
    assert!(text.contains("CPU …"), "{text}");
    assert!(text.contains("scanning…"));
    assert!(text.contains("ok  no problems found"));
    let (_, y) = find(&buf, "eth0", "eth0");
    assert!(lines(&buf)[y as usize].contains('…'));
}

#[test]
fn the_identity_snapshot_alone_draws_a_full_frame() {
    let snapshot = Snapshot { host: sick_server().host, ..Snapshot::default() };
    for (w, h) in [(80, 24), (250, 70)] {
        let text = screen_text(&render_with(w, h, &snapshot, &Findings::default(), Theme::COLOR));
        assert!(text.contains("web-01") && text.contains("Filesystems") && text.contains("Processes"), "{text}");
        assert!(text.contains("collecting…") && !text.contains("no problems"), "no verdict before data: {text}");
    }
}

#[test]
fn too_small_says_so_and_never_panics() {
    for (w, h) in [(1, 1), (2, 1), (20, 5), (40, 10), (75, 24), (80, 13)] {
        let buf = render(w, h);
        let lines = lines(&buf);
        let text = lines.join("\n");
        if w >= 70 {
            assert_eq!(lines[h as usize / 2].trim(), format!("ctop needs at least 76×14, this terminal is {w}×{h}"));
        } else if w >= 30 {
            assert_eq!(lines[h as usize / 2].trim(), format!("need 76×14, have {w}×{h}"));
        } else if w >= 11 {
            assert_eq!(lines[h as usize / 2].trim(), "need 76×14");
        }
        assert_eq!(
            text.chars().filter(|c| !c.is_whitespace()).count(),
            lines[h as usize / 2].replace(' ', "").chars().count(),
            "one line only"
        );
    }
    // 79×23 still fits the whole dashboard, a little shorter.
    let text = screen_text(&render(79, 23));
    assert!(text.contains("web-01") && text.contains("worker-000") && text.contains("/var"));
}

#[test]
fn a_long_problem_list_ends_with_how_many_more() {
    let many = Findings::new(
        (0..30)
            .map(|i| {
                let mp = format!("/srv/data{i:02}");
                finding(Severity::Warning, Key::FsSpace(mp.clone()), &mp, &format!("{mp} 90% full"), i as f64)
            })
            .collect(),
    );
    let buf = render_with(250, 70, &sick_server(), &many, Theme::COLOR);
    let text = screen_text(&buf);
    assert!(text.contains("! /srv/data29 90% full"), "worst first");
    assert!(text.contains("more"), "{text}");
}

#[test]
fn the_focused_table_scrolls_and_shows_where_it_is() {
    let snapshot = sick_server();
    let findings = sick_findings();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut view = View::default();
    let mut draw_now = |view: &mut View| {
        let screen = Screen { snapshot: &snapshot, findings: &findings, theme: Theme::COLOR, now: Instant::now() };
        terminal.draw(|frame| draw(frame, &screen, view)).unwrap();
        screen_text(terminal.backend().buffer())
    };
    let first = draw_now(&mut view);
    assert!(first.contains("1-8/203") && first.contains("worker-000"), "{first}");
    view.scroll_focused(Motion::PageDown);
    let second = draw_now(&mut view);
    assert!(second.contains("9-16/203") && !second.contains("worker-000"), "{second}");
    view.scroll_focused(Motion::End);
    assert!(draw_now(&mut view).contains("196-203/203"));

    // Tab moves focus to the filesystems; the processes keep their place.
    view.move_focus(1);
    view.scroll_focused(Motion::Down);
    let third = draw_now(&mut view);
    // Four rows of filesystems at 80×24: the disk I/O table sits under them.
    assert!(third.contains("2-5/33") && third.contains("196-203/203"), "{third}");
}

#[test]
fn sorting_by_memory_and_filtering_by_name() {
    let snapshot = sick_server();
    let findings = sick_findings();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut view = View::default();
    view.sort_by(SortBy::Memory);
    view.filter.text = "worker-11".into();
    let screen = Screen { snapshot: &snapshot, findings: &findings, theme: Theme::COLOR, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, &mut view)).unwrap();
    let rows: Vec<String> = lines(terminal.backend().buffer()).into_iter().filter(|l| l.contains("worker-")).collect();
    let names: Vec<&str> =
        rows.iter().filter_map(|l| l.split_whitespace().find(|w| w.starts_with("worker-"))).collect();
    assert_eq!(names, (110..120).map(|i| format!("worker-{i}")).collect::<Vec<_>>(), "{rows:?}");
    assert!(screen_text(terminal.backend().buffer()).contains("by mem"));
}

#[test]
fn help_lists_every_key() {
    let snapshot = sick_server();
    let findings = sick_findings();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut view = View::default();
    view.help = true;
    let screen = Screen { snapshot: &snapshot, findings: &findings, theme: Theme::COLOR, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, &mut view)).unwrap();
    let text = screen_text(terminal.backend().buffer());
    // Whole, at the smallest size: every key with all of its words, and the sandbox.
    for (key, what) in ctop::ui::help::KEYS {
        assert!(text.lines().any(|l| l.contains(key) && l.contains(what)), "help lacks {key:?} {what:?}:\n{text}");
    }
    assert!(text.contains("sandbox"), "{text}");
}

#[test]
fn many_cores_end_with_how_many_more_and_huge_screens_draw() {
    let mut snapshot = sick_server();
    snapshot.cpu.model.logical_cpus = 128;
    snapshot.cpu.per_core = (0..128).map(|i| usage(i as f64 / 2.0, 5.0)).collect();
    let text = screen_text(&render_with(120, 40, &snapshot, &sick_findings(), Theme::COLOR));
    // 5 bars a row, 4 rows: 19 bars and the count of the rest.
    assert!(text.contains(" 18 [") && !text.contains(" 19 [") && text.contains("+109 more cores"), "{text}");
    let text = screen_text(&render_with(400, 150, &snapshot, &sick_findings(), Theme::COLOR));
    assert!(text.contains("127 [") && text.contains("worker-070") && text.contains("/srv/data29"), "{text}");
}

#[test]
fn a_long_mount_point_keeps_its_end() {
    // Where mounts differ is at the end: `…/overlay2/<id>/merged`, not the common start.
    let mut snapshot = sick_server();
    let long = "/var/lib/docker/overlay2/3f9a1c27e8b4d6a0c5e1f2b3a4d5c6e7f8091a2b3c4d5e6f7a8b9c0d1e2f3a4b/merged";
    snapshot.filesystems.insert(0, filesystem(long, 10, 50));
    let text = screen_text(&render_with(80, 24, &snapshot, &sick_findings(), Theme::COLOR));
    let row = text.lines().find(|l| l.contains("/merged")).unwrap_or_else(|| panic!("no end of {long} in\n{text}"));
    assert!(row.contains('…') && !row.contains("/var/lib/docker"), "{row}");
}
