#!/usr/bin/env bash
# The soak (PERFORMANCE.md), run by hand as root: soak.sh BINARY [SECONDS [LOG]]
#
# Runs ctop at the shortest interval (0.1 s; the process table every second) in a
# detached 120x40 tmux pane for SECONDS (default 3060: 30,600 refreshes), while
# processes, tmpfs mounts and veth interfaces come and go every second, and appends
# one line a minute to LOG (default soak-PID.log): seconds, VmRSS and VmHWM in KiB,
# threads, open descriptors, and of those the ones that are neither per-process nor
# per-interface files (ctop keeps each process's `stat` or `schedstat` and each
# interface's sysfs files open, so the total follows the machine's process count,
# logged last, and the veths of the moment). At the end it prints the growth after the
# first minute.
#
# Everything happens in a private mount and network namespace (the script re-runs
# itself there): the mounts and interfaces it makes are seen by the ctop it runs and
# by nobody else, and vanish with the namespace however the script ends.
set -euo pipefail
bin=$(realpath "$1") secs=${2:-3060} log=$(realpath -m "${3:-soak-$$.log}")

if [[ -z ${CTOP_SOAK_INSIDE:-} ]]; then
    exec env CTOP_SOAK_INSIDE=1 unshare --mount --net --propagation private "$0" "$bin" "$secs" "$log"
fi

ip link set lo up
# sysfs shows the network namespace of whoever mounted it: mounted again from in here,
# /sys/class/net lists this namespace's interfaces (the veths below) as ctop reads them.
mount -t sysfs sysfs /sys
tag=$$
work=$(mktemp -d "/tmp/ctop-soak-$tag.XXXX")
socket=ctop-soak-$tag
churn_pid=
cleanup() {
    [[ -n $churn_pid ]] && kill "$churn_pid" 2>/dev/null || true
    tmux -L "$socket" kill-server 2>/dev/null || true
    for m in "$work"/m*; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' TERM INT HUP

tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 40 \
    "TERM=xterm-256color exec $bin --interval 0.1 --proc-interval 1"
sleep 1
pid=$(tmux -L "$socket" display-message -p '#{pane_pid}')

# Every second: five short-lived processes, one tmpfs mounted and the one before it
# unmounted, one veth pair created and the one before it deleted.
churn() {
    local i=0
    while :; do
        i=$((i + 1))
        for _ in 1 2 3 4 5; do sleep "0.$((RANDOM % 9 + 1))" & done
        local now=$((i % 4)) old=$(((i + 3) % 4))
        mkdir -p "$work/m$now" && mount -t tmpfs "soak-$tag" "$work/m$now"
        umount "$work/m$old" 2>/dev/null || true
        ip link add "sk${tag}a$now" type veth peer name "sk${tag}b$now" && ip link set "sk${tag}a$now" up
        ip link del "sk${tag}a$old" 2>/dev/null || true
        sleep 1
        wait
    done
}
churn >/dev/null 2>&1 &
churn_pid=$!

sample() {
    local rss hwm threads fds other processes
    rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
    hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
    threads=$(awk '/^Threads/ { print $2 }' "/proc/$pid/status")
    fds=$(ls "/proc/$pid/fd" | wc -l)
    other=$(for fd in "/proc/$pid"/fd/*; do readlink "$fd"; done | grep -cEv '^/proc/[0-9]+/|/net/[^/]+/[a-z_]+$' || true)
    processes=$(ls -d /proc/[0-9]* | wc -l)
    echo "$1 $rss $hwm $threads $fds $other $processes" >>"$log"
}

echo "# seconds vm_rss_kib vm_hwm_kib threads fds fds_fixed processes" \
    " ($bin --interval 0.1 --proc-interval 1, pid $pid)" >>"$log"
started=$(date +%s)
while :; do
    elapsed=$(($(date +%s) - started))
    [[ -d /proc/$pid ]] || { echo "ctop (pid $pid) exited after ${elapsed}s" | tee -a "$log"; exit 1; }
    sample "$elapsed"
    ((elapsed >= secs)) && break
    sleep 60
done

awk '!/^#/ { n++; if (n == 2) { base = $2 } if (n >= 2 && $2 > max) { max = $2 }
             if (n == 1 || $4 < tmin) tmin = $4; if ($4 > tmax) tmax = $4
             if (n == 1 || $5 < fmin) fmin = $5; if ($5 > fmax) fmax = $5; last = $1
             if (n == 1 || $6 < omin) omin = $6; if ($6 > omax) omax = $6 }
     END { printf "%d s: RSS after the first minute %d KiB, highest since %d KiB (growth %d KiB); threads %d..%d; " \
                  "fds %d..%d, of which not per process or interface %d..%d\n", last, base, max, max - base, tmin, tmax, fmin, fmax, omin, omax }' \
    "$log" | tee -a "$log"
