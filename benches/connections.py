#!/usr/bin/env python3
"""Holds N established loopback TCP connections to one listener, for measuring what
counting connections costs (benches/ports_cost.sh). Run inside a network namespace
made for it: connections.py N SECONDS. Prints "ready N" once they are up, then holds
them SECONDS (bounded) and exits."""
import resource, socket, sys, threading, time

n, hold = int(sys.argv[1]), float(sys.argv[2])
resource.setrlimit(resource.RLIMIT_NOFILE, (2 * n + 100, 2 * n + 100))
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4096)
accepted = []

def accept():
    while len(accepted) < n:
        accepted.append(listener.accept()[0])

threading.Thread(target=accept, daemon=True).start()
clients = [socket.create_connection(listener.getsockname()) for _ in range(n)]
deadline = time.time() + 60
while len(accepted) < n and time.time() < deadline:
    time.sleep(0.05)
print("ready", len(accepted), flush=True)
time.sleep(hold)
