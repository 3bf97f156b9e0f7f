//! The network diagnosis for real, in a network namespace each test makes (named
//! `ctop-nd-<pid>-<n>`, deleted however the test ends): a listener with a tiny backlog
//! that never accepts, flooded by clients in the same namespace, as ctop (`--json`, run
//! inside the namespace with `ip netns exec`) and `ss`/`nstat` (run there too) see it.
//!
//! The listener and its clients are this test binary run again inside the namespace
//! (the ignored `helper_*` tests, which do nothing unless `CTOP_ND_HELPER` is set), so
//! the namespace holds only what the test put there. Every helper is bounded: at most
//! [`MAX_CLIENTS`] connections and [`HELPER_LIFETIME`], after which it exits by itself.

mod net_common;

use net_common::{have_command, is_root, run};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const MAX_CLIENTS: usize = 600;
const HELPER_LIFETIME: Duration = Duration::from_secs(90);
const PORT: u16 = 8080;
const BACKLOG: i32 = 4;

fn skip_reason() -> Option<&'static str> {
    if !is_root() {
        return Some("needs root to make a network namespace");
    }
    if !have_command("ip") || !have_command("ss") {
        return Some("needs `ip` and `ss` (iproute2)");
    }
    None
}

/// A network namespace with its loopback up, deleted on drop.
struct Netns(String);

impl Netns {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("ctop-nd-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        run("ip", &["netns", "add", &name]);
        let ns = Netns(name);
        run("ip", &["-n", &ns.0, "link", "set", "lo", "up"]);
        ns
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.0, program]);
        c
    }

    fn run(&self, program: &str, args: &[&str]) -> String {
        let out = self.command(program).args(args).output().unwrap();
        assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn ctop_json(&self, sample_ms: u32) -> Value {
        let text = self.run(env!("CARGO_BIN_EXE_ctop"), &["--json", "--sample-ms", &sample_ms.to_string()]);
        serde_json::from_str(&text).unwrap()
    }

    /// (ESTAB, SYN-RECV) sockets whose local port is `port`, from `ss -tanH`.
    fn ss_counts(&self, port: u16) -> (u64, u64) {
        let suffix = format!(":{port}");
        let (mut established, mut syn_recv) = (0, 0);
        for line in self.run("ss", &["-tanH"]).lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 4 || !fields[3].ends_with(&suffix) {
                continue;
            }
            match fields[0] {
                "ESTAB" => established += 1,
                "SYN-RECV" => syn_recv += 1,
                _ => {}
            }
        }
        (established, syn_recv)
    }

    /// `ss -ltnH`'s Recv-Q and Send-Q for the listener on `port`.
    fn ss_queue(&self, port: u16) -> (u64, u64) {
        let suffix = format!(":{port}");
        let out = self.run("ss", &["-ltnH"]);
        let line = out.lines().find(|l| l.split_whitespace().nth(3).is_some_and(|a| a.ends_with(&suffix))).unwrap();
        let f: Vec<u64> = line.split_whitespace().skip(1).take(2).map(|v| v.parse().unwrap()).collect();
        (f[0], f[1])
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// The flood helper running in a namespace, driven line by line.
struct Flood {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Flood {
    fn start(ns: &Netns) -> Self {
        let exe = std::env::current_exe().unwrap();
        let mut child = ns
            .command(exe.to_str().unwrap())
            .args(["--exact", "helper_flood", "--ignored", "--nocapture"])
            .env("CTOP_ND_HELPER", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdin, stdout) = (child.stdin.take().unwrap(), BufReader::new(child.stdout.take().unwrap()));
        let mut flood = Flood { child, stdin, stdout };
        flood.expect("listening");
        flood
    }

    fn send(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").unwrap();
        self.expect("")
    }

    /// The next line the helper wrote (`ND:` lines only; libtest writes others).
    fn expect(&mut self, starting: &str) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "the helper ended");
            // libtest may have written `test helper_flood ... ` on the same line first.
            if let Some((_, said)) = line.trim_end().split_once("ND:") {
                assert!(said.starts_with(starting), "{said}");
                return said.to_string();
            }
        }
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listener_row(json: &Value) -> Value {
    json["listening"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["port"] == PORT && l["protocol"] == "tcp")
        .unwrap_or_else(|| panic!("no listener on {PORT}: {:#}", json["listening"]))
        .clone()
}

/// Waits (up to a generous 10 s, ~100× what loopback needs) for `ss` to show `want`
/// connections in the accept queue.
fn wait_for_queue(ns: &Netns, want: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while ns.ss_queue(PORT).0 != want {
        assert!(Instant::now() < deadline, "the accept queue never reached {want}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_listener_that_never_accepts_fills_its_queue_and_overflows() {
    if let Some(why) = skip_reason() {
        eprintln!("skipped: {why}");
        return;
    }
    let ns = Netns::new();
    let mut flood = Flood::start(&ns);

    // One client at a time: the accept queue grows by one each time, up to its limit.
    let mut queue = Vec::new();
    for n in 1..=3 {
        flood.send("connect 1");
        wait_for_queue(&ns, n);
        let row = listener_row(&ns.ctop_json(100));
        assert_eq!(row["accept_queue_limit"], BACKLOG, "{row}");
        queue.push(row["accept_queue"].as_u64().unwrap());
    }
    assert_eq!(queue, [1, 2, 3]);

    // A flood: the queue full (the kernel admits one past the backlog), and new clients
    // arriving all through ctop's window overflow it.
    flood.send("connect 100");
    wait_for_queue(&ns, BACKLOG as u64 + 1);
    flood.send("trickle");
    let json = ns.ctop_json(1000);
    flood.send("stop");
    let row = listener_row(&json);
    assert_eq!((row["accept_queue"].as_u64(), row["accept_queue_limit"].as_u64()), (Some(5), Some(4)), "{row}");
    let overflows = json["network"]["tcp"]["listen_overflows_per_s"].as_f64().unwrap();
    assert!(overflows > 0.0, "{:#}", json["network"]["tcp"]);
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().starts_with("listen queue overflowing"))
        .unwrap_or_else(|| panic!("no listen-queue finding in {:#}", json["findings"]));
    assert!(finding["message"].as_str().unwrap().contains(&format!(":{PORT} (accept queue 5 of 4)")), "{finding}");
    assert!(json["network"]["states"]["established"].as_u64().unwrap() >= 5);

    // Per-port counts as `ss -tan` has them, taken around ctop's: they may differ only
    // by what changed in between (SYN-ACK retransmits turn clients into SYN_RECV).
    for attempt in 1..=5 {
        let before = ns.ss_counts(PORT);
        let row = listener_row(&ns.ctop_json(100));
        let after = ns.ss_counts(PORT);
        let ours = (row["established"].as_u64().unwrap(), row["syn_recv"].as_u64().unwrap());
        if before == after {
            assert_eq!(ours, before, "ctop's (established, syn_recv) for :{PORT} against ss -tan");
            return;
        }
        eprintln!("attempt {attempt}: connections changed during the reading ({before:?} → {after:?}); again");
    }
    panic!("the connections never stood still for one reading");
}

/// `nstat -az` and ctop's counters parser agree on every Tcp and TcpExt counter, at
/// rest and over a window with listen overflows in it.
#[test]
fn counters_agree_with_nstat() {
    if let Some(why) = skip_reason() {
        eprintln!("skipped: {why}");
        return;
    }
    if !have_command("nstat") {
        eprintln!("skipped: needs `nstat` (iproute2)");
        return;
    }
    let ns = Netns::new();
    let before = (nstat(&ns), ctop_counters(&ns));
    {
        let mut flood = Flood::start(&ns);
        flood.send("connect 20");
        wait_for_queue(&ns, BACKLOG as u64 + 1);
    } // the helper ends, closing every socket: the counters stand still after
    std::thread::sleep(Duration::from_millis(300));
    let after = (nstat(&ns), ctop_counters(&ns));
    for (nstat, ours) in [&before, &after] {
        // nstat leaves out the gauges (TcpCurrEstab, TcpMaxConn …): compare the rest.
        let both: Vec<&String> = ours.keys().filter(|name| nstat.contains_key(*name)).collect();
        assert!(both.len() > 30, "{ours:?}");
        for name in both {
            assert_eq!(nstat[name], ours[name], "{name}");
        }
        for judged in ["TcpExtListenOverflows", "TcpExtListenDrops", "TcpOutSegs", "TcpRetransSegs", "TcpOutRsts"] {
            assert!(ours.contains_key(judged) && nstat.contains_key(judged), "{judged}");
        }
    }
    // The window held overflows, and both saw the same number of them.
    let overflows = |m: &Counters| m["TcpExtListenOverflows"];
    assert!(overflows(&after.1) > overflows(&before.1));
    assert_eq!(overflows(&after.0) - overflows(&before.0), overflows(&after.1) - overflows(&before.1));
}

type Counters = std::collections::BTreeMap<String, u64>;

/// `nstat -asz`: absolute values, zeros included, without touching its history file.
fn nstat(ns: &Netns) -> Counters {
    ns.run("nstat", &["-asz"])
        .lines()
        .filter(|l| l.starts_with("Tcp"))
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some((f.next()?.to_string(), f.next()?.parse().ok()?))
        })
        .collect()
}

/// The Tcp and TcpExt counters as ctop's parser reads them inside the namespace.
fn ctop_counters(ns: &Netns) -> Counters {
    let exe = std::env::current_exe().unwrap();
    let out = ns.run(exe.to_str().unwrap(), &["--exact", "helper_counters", "--ignored", "--nocapture"]);
    out.lines()
        .filter_map(|l| l.split_once("ND:").map(|(_, said)| said))
        .map(|l| {
            let (name, value) = l.split_once(' ').unwrap();
            (name.to_string(), value.parse().unwrap())
        })
        .collect()
}

// ---- helpers, run inside a namespace -------------------------------------------

fn helper_mode() -> bool {
    std::env::var_os("CTOP_ND_HELPER").is_some()
}

/// Prints every Tcp and TcpExt counter of this namespace as ctop parses them.
#[test]
#[ignore = "a helper the other tests run inside a namespace"]
fn helper_counters() {
    let mut text = String::new();
    for file in ["/proc/net/netstat", "/proc/net/snmp"] {
        text.push_str(&std::fs::read_to_string(file).unwrap());
    }
    ctop::collect::netstat::for_each_table_value(&text, |table, name, value| {
        if table == "Tcp" || table == "TcpExt" {
            println!("ND:{table}{name} {value}");
        }
    });
    // And the counters ctop judges, as its collector reads them, under nstat's names.
    let c = ctop::collect::netstat::ProtocolCounters::read(&ctop::source::Source::live());
    for (name, value) in [
        ("TcpExtListenOverflows", c.listen_overflows),
        ("TcpExtListenDrops", c.listen_drops),
        ("TcpExtTCPReqQFullDrop", c.req_queue_full_drops),
        ("TcpExtTCPReqQFullDoCookies", c.req_queue_full_cookies),
        ("TcpExtSyncookiesSent", c.syncookies_sent),
        ("TcpOutSegs", c.out_segments),
        ("TcpRetransSegs", c.retransmitted_segments),
        ("TcpOutRsts", c.resets_sent),
        ("TcpEstabResets", c.established_resets),
        ("TcpAttemptFails", c.attempt_fails),
    ] {
        println!("ND:{name} {}", value.expect(name));
    }
}

/// A listener on 127.0.0.1:PORT with a backlog of BACKLOG that never accepts, and
/// clients that connect when told: `connect N`, `trickle` (one more every 20 ms until
/// `stop`). Ends at end of input or after HELPER_LIFETIME.
#[test]
#[ignore = "a helper the other tests run inside a namespace"]
fn helper_flood() {
    if !helper_mode() {
        return;
    }
    std::thread::spawn(|| {
        std::thread::sleep(HELPER_LIFETIME);
        std::process::exit(0);
    });
    let listener = std::net::TcpListener::bind(("127.0.0.1", PORT)).unwrap();
    // listen(2) again on a listening socket sets its backlog.
    assert_eq!(unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&listener), BACKLOG) }, 0);
    println!("ND:listening");
    let clients = std::sync::Arc::new(std::sync::Mutex::new(Vec::<OwnedFd>::new()));
    let trickling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for line in std::io::stdin().lines() {
        let line = line.unwrap();
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["connect", n] => {
                let mut c = clients.lock().unwrap();
                for _ in 0..n.parse::<usize>().unwrap() {
                    if c.len() < MAX_CLIENTS {
                        c.push(connect_nonblocking());
                    }
                }
                println!("ND:connected {}", c.len());
            }
            ["trickle"] => {
                trickling.store(true, Ordering::SeqCst);
                let (clients, trickling) = (clients.clone(), trickling.clone());
                std::thread::spawn(move || {
                    while trickling.load(Ordering::SeqCst) {
                        let mut c = clients.lock().unwrap();
                        if c.len() < MAX_CLIENTS {
                            c.push(connect_nonblocking());
                        }
                        drop(c);
                        std::thread::sleep(Duration::from_millis(20));
                    }
                });
                println!("ND:trickling");
            }
            ["stop"] => {
                trickling.store(false, Ordering::SeqCst);
                println!("ND:stopped");
            }
            _ => panic!("unknown command {line:?}"),
        }
    }
    drop(listener);
}

/// A client socket whose connect is under way (a full queue would block a blocking one).
fn connect_nonblocking() -> OwnedFd {
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let addr = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: PORT.to_be(),
            sin_addr: libc::in_addr { s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be() },
            sin_zero: [0; 8],
        };
        let r = libc::connect(fd, &addr as *const _ as *const libc::sockaddr, std::mem::size_of_val(&addr) as u32);
        let err = std::io::Error::last_os_error();
        assert!(r == 0 || err.raw_os_error() == Some(libc::EINPROGRESS), "connect: {err}");
        OwnedFd::from_raw_fd(fd)
    }
}
