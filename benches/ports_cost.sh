#!/usr/bin/env bash
# The cost of the ports tier with N established loopback connections (PERFORMANCE.md),
# run by hand as root: ports_cost.sh BINARY [N [SECONDS]]
# Makes a network namespace of its own, holds N connections in it (connections.py),
# runs ctop there in a detached tmux pane (the slow tier every 5 s, its default) and
# prints each thread's CPU over SECONDS from schedstat, as thread_cpu.sh does.
set -euo pipefail
bin=$(realpath "$1") n=${2:-50000} secs=${3:-60}
here=$(dirname "$(realpath "$0")")
ns=ctop-nd-cost-$$ session=ctop-nd-cost-$$
cleanup() {
    tmux -L "$session" kill-server 2>/dev/null || true
    [[ -n ${holder:-} ]] && kill "$holder" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap "exit 1" INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.core.somaxconn=65535
fifo=$(mktemp -u) && mkfifo "$fifo"
ip netns exec "$ns" python3 "$here/connections.py" "$n" $((secs + 60)) >"$fifo" &
holder=$!
read -r ready count <"$fifo"
rm -f "$fifo"
echo "$ready: $count connections (each end a socket: $((2 * count)) in the namespace)"
tmux -L "$session" new-session -d -x 200 -y 50 "TERM=xterm-256color exec ip netns exec $ns $bin"
sleep 3
pid=$(tmux -L "$session" display-message -p '#{pane_pid}')
snapshot() { for t in /proc/"$pid"/task/*; do echo "$(tr ' ' _ <"$t"/comm) $(cut -d' ' -f1 "$t"/schedstat)"; done | sort; }
before=$(snapshot)
sleep "$secs"
join <(echo "$before") <(snapshot) | awk -v s="$secs" '{ printf "%-14s %7.1f ms/min  %5.2f%% of a core\n", $1, ($3 - $2) / 1e6 * 60 / s, ($3 - $2) / 1e7 / s }'
