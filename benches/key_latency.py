#!/usr/bin/env python3
"""Key latency (PERFORMANCE.md), run by hand: `key_latency.py BINARY`.

Prints the ms from writing `?` to ctop's pty until the help overlay's title can be read,
20 times, with ctop rescanning processes every second (--proc-interval 1); start the
processes first (`for i in $(seq 10000); do sleep 3600 & done`)."""
import os, pty, sys, time, fcntl, termios, struct, select, statistics
binary = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    os.environ["TERM"] = "xterm-256color"
    os.execv(binary, [binary, "--proc-interval", "1"])
def drain(until=None, timeout=5.0):
    got = b""; end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        r, _, _ = select.select([fd], [], [], max(0, end - time.perf_counter()))
        if not r: break
        got += os.read(fd, 65536)
        if until and until in got: return True
    return False
drain(timeout=4)
times = []
for _ in range(20):
    t0 = time.perf_counter(); os.write(fd, b"?")
    if drain(until=b"ctop keys"): times.append(1000 * (time.perf_counter() - t0))
    os.write(fd, b"\x1b"); drain(timeout=0.37)
os.write(fd, b"q"); os.waitpid(pid, 0)
print(f"{len(times)}/20 answered; median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
