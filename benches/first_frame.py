#!/usr/bin/env python3
"""First-frame time (PERFORMANCE.md), run by hand: `first_frame.py BINARY [RUNS]`.

Prints the ms from fork+exec of ctop on a 200x50 pty until its first full frame (the
first write of over 1000 bytes after entering the alternate screen) can be read."""
import os, pty, sys, time, fcntl, termios, struct, select
binary = sys.argv[1]
for run in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary])
    got = b""
    while True:
        r, _, _ = select.select([fd], [], [], 5)
        if not r: break
        chunk = os.read(fd, 65536)
        got += chunk
        if b"\x1b[?1049h" in got and len(got.split(b"\x1b[?1049h", 1)[1]) > 1000:
            break
    t1 = time.perf_counter()
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    print(f"run {run + 1}: first full frame {1000 * (t1 - t0):.1f} ms after fork")
