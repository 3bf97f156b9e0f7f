#!/usr/bin/env bash
# Per-thread CPU of ctop (PERFORMANCE.md), run by hand: thread_cpu.sh BINARY [SECONDS [ARGS...]]
# Runs ctop in a detached 200x50 tmux pane and prints each thread's time on CPU over
# SECONDS (default 60), from /proc/PID/task/TID/schedstat (nanoseconds, not 10 ms ticks).
# WARM (seconds, default 3) is the wait, once the pane runs ctop, before the first reading; SHOW_HWM=1 adds the peak RSS.
set -euo pipefail
bin=$1 secs=${2:-60}
shift $(($# < 2 ? $# : 2))
session=ctop-thread-cpu-$$
tmux new-session -d -s "$session" -x 200 -y 50 "TERM=xterm-256color exec $bin --interval 1 $*"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
pid=$(tmux display-message -p -t "$session" '#{pane_pid}')
# A wrapper (benches/bignode.sh) may set things up before it becomes ctop (exec, same pid).
for _ in $(seq 600); do [[ $(cat /proc/"$pid"/comm) == ctop* ]] && break; sleep 0.1; done
sleep "${WARM:-3}"
snapshot() { for t in /proc/"$pid"/task/*; do echo "$(tr ' ' _ <"$t"/comm) $(cut -d' ' -f1 "$t"/schedstat)"; done | sort; }
before=$(snapshot)
sleep "$secs"
join <(echo "$before") <(snapshot) | awk -v s="$secs" '{ printf "%-14s %7.1f ms/min\n", $1, ($3 - $2) / 1e6 * 60 / s }'
[[ -n ${SHOW_HWM:-} ]] && grep VmHWM "/proc/$pid/status"
true
