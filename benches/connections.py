#!/usr/bin/env python3
"""Holds N established loopback TCP connections, for measuring what counting
connections costs (benches/ports_cost.sh). Run as root inside a network namespace made
for it: connections.py N SECONDS. Prints "ready N" once they are up, holds them SECONDS
(bounded) and exits.

The server ends wait in the accept queue of a listener that never accepts (its backlog
N, net.core.somaxconn raised in the namespace), so they need no descriptors; the client
ends are spread over child processes, each under the descriptor limit (a container may
not raise it)."""
import os, resource, socket, sys, time

n, hold = int(sys.argv[1]), float(sys.argv[2])
assert n <= 200000, "bounded: at most 200,000 connections"
per_child = max(1, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 100)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(n)
address = listener.getsockname()
ready_r, ready_w = os.pipe()


def connect(i):
    # An explicit source address and port: with tens of thousands of ports taken, the
    # kernel's search for a free ephemeral port makes each connect slower than the last.
    s = socket.socket()
    s.bind(("127.0.%d.1" % (1 + i // 40000), 20000 + i % 40000))
    s.connect(address)
    return s


children = []
for start in range(0, n, per_child):
    count = min(per_child, n - start)
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        try:
            clients = [connect(i) for i in range(start, start + count)]
        except OSError as e:
            print("child:", e, file=sys.stderr, flush=True)
            os._exit(1)
        os.write(ready_w, b"%d\n" % len(clients))
        time.sleep(hold)
        os._exit(0)
    children.append(pid)
os.close(ready_w)
done = 0
with os.fdopen(ready_r) as ready:
    for _ in children:
        done += int(ready.readline() or 0)
print("ready", done, flush=True)
time.sleep(hold)
for pid in children:
    os.kill(pid, 9)
