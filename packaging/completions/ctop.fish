complete -c ctop -l sample-ms -d 'With --once/--json/--openmetrics: how long to sample rates and CPU % over, in milliseconds (0 to 3600000, one hour)' -r
complete -c ctop -l interval -d 'Seconds between refreshes of CPU, load, memory, network and time (0.1 to 86400, fractions allowed) [default: 1, or `interval` in the configuration file]' -r
complete -c ctop -l proc-interval -d 'Seconds between process-table scans (0.1 to 86400) [default: 30, or `proc_interval` in the configuration file]' -r
complete -c ctop -l color -d 'Colours: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour unless `NO_COLOR` is set to a non-empty value'
always\t''
never\t''"
complete -c ctop -l root -d 'Read /proc, /sys and /etc under DIR instead of / (a mounted disk image, a fixture tree). Filesystem sizes, interface addresses, the clock and CPUID still come from the running kernel' -r -F
complete -c ctop -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/ctop/config.toml, else ~/.config/ctop/config.toml]' -r -F
complete -c ctop -l record -d 'Record to the directory PATH (made if missing) while running: the flight recorder, in segments of compressed, checksummed blocks (see --replay)' -r -F
complete -c ctop -l record-max -d 'With --record: the most the recording directory may hold; the oldest segments are deleted first (e.g. 500M, 1G; at least 1M) [default: 1G]' -r
complete -c ctop -l replay -d 'Show a recording (a --record directory or one of its segments) in the dashboard, at its end or --at; with --once or --json print that moment' -r -F
complete -c ctop -l at -d 'With --replay: the moment to show: HH:MM, HH:MM:SS, an epoch, -10m (before the recording\'s end), or a date and time (2026-11-29 03:12:07), in the recording\'s zone' -r
complete -c ctop -l once -d 'Print a plain-text snapshot (80 columns) and exit; made for incident notes'
complete -c ctop -l json -d 'Print one JSON document and exit; field names are stable (see the README)'
complete -c ctop -l openmetrics -d 'Print the numbers and the findings as OpenMetrics text for Prometheus (e.g. node_exporter\'s textfile collector) and exit'
complete -c ctop -l print-config -d 'Print the default configuration as a commented TOML file and exit'
complete -c ctop -l no-ui -d 'With --record: record without the dashboard (no terminal needed) until SIGTERM or SIGINT, then exit 0 with the recording complete'
complete -c ctop -l no-sandbox -d 'Run without the seccomp sandbox (on by default: once set up, ctop can neither write files, run programs nor open network sockets)'
complete -c ctop -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ctop -s V -l version -d 'Print version'
