#!/usr/bin/env bash
# Per-thread CPU of ctop on a big node's shape (PERFORMANCE.md, issue 15), run by hand as root:
#   bignode.sh BINARY MOUNTS:IFACES [SECONDS [ARGS...]]
# Makes the shape `../shared/bench/overhead.sh -b MOUNTS:IFACES` makes (a network namespace
# holding IFACES veth interfaces, up with carrier, and a private mount namespace holding MOUNTS
# extra 1 MiB tmpfs mounts) and runs `thread_cpu.sh` on ctop inside it, so the split per
# thread (schedstat) is for that shape. Also prints ctop's peak RSS (VmHWM) at the end.
set -euo pipefail
bin=$(realpath "$1") shape=$2 secs=${3:-60}
shift $(($# < 3 ? $# : 3))
mounts=${shape%:*} ifaces=${shape#*:}
here=$(dirname "$(realpath "$0")")
tmp=$(mktemp -d) ns=ctop-bignode-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
for ((i = 0; i < ifaces / 2; i++)); do
  ip -n "$ns" link add "va$i" type veth peer name "vb$i"
  ip -n "$ns" link set "va$i" up && ip -n "$ns" link set "vb$i" up
done
# The wrapper mounts in its own mount namespace, then becomes ctop (exec all the way), so
# the tmux pane's process is ctop; WARM covers the time the mounts take.
printf '%s\n' '#!/bin/sh' \
  "mkdir -p $tmp/mnt" \
  "i=0; while [ \$i -lt $mounts ]; do mkdir -p $tmp/mnt/m\$i; mount -t tmpfs -o size=1m big\$i $tmp/mnt/m\$i; i=\$((i+1)); done" \
  "exec $bin \"\$@\"" >"$tmp/inner"
printf '%s\n' '#!/bin/sh' "exec ip netns exec $ns unshare -m --propagation private $tmp/inner \"\$@\"" >"$tmp/wrapper"
chmod +x "$tmp/inner" "$tmp/wrapper"
SHOW_HWM=1 "$here/thread_cpu.sh" "$tmp/wrapper" "$secs" "$@"
