#!/usr/bin/env bash
# The cgroup walk's cost (PERFORMANCE.md, "Services and containers"), run by hand as root:
#   cgroups_cost.sh BINARY [CGROUPS [SECONDS [busy]]]
# Makes CGROUPS (default 500) unit-named cgroups, ctopcost-PID.slice/svc-NNN.service, in
# every cgroup hierarchy ctop reads (v1 cpu, cpuacct, memory, blkio, pids and the
# unified one), with `busy` a sleeping process in each, then prints the per-thread CPU
# of ctop at its defaults over SECONDS (default 60) with thread_cpu.sh, and removes them.
set -euo pipefail
bin=$1 count=${2:-500} secs=${3:-60} busy=${4:-}
slice=ctopcost-$$.slice
mapfile -t tops < <(awk '$0 ~ / - cgroup2 / || ($0 ~ / - cgroup / && $NF ~ /(^|,)(cpu|cpuacct|memory|blkio|pids)(,|$)/) { print $5 }' /proc/self/mountinfo)
sleepers=()
cleanup() {
    for p in "${sleepers[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for top in "${tops[@]}"; do
        for ((i = 0; i < count; i++)); do rmdir "$top/$slice/svc-$(printf %03d "$i").service" 2>/dev/null || true; done
        rmdir "$top/$slice" 2>/dev/null || true
    done
}
trap cleanup EXIT
for top in "${tops[@]}"; do
    mkdir "$top/$slice"
    for ((i = 0; i < count; i++)); do mkdir "$top/$slice/svc-$(printf %03d "$i").service"; done
done
if [ -n "$busy" ]; then
    for ((i = 0; i < count; i++)); do
        sleep 100000 &
        sleepers+=($!)
        for top in "${tops[@]}"; do echo $! >"$top/$slice/svc-$(printf %03d "$i").service/cgroup.procs"; done
    done
fi
echo "hierarchies: ${tops[*]}; $count cgroups each${busy:+, a sleeping process in each}"
"$(dirname "$0")/thread_cpu.sh" "$bin" "$secs"
