#!/usr/bin/env python3
"""Regenerates packaging/code-layout/hot.ld, the list of code an idle dashboard runs.

build.rs hands hot.ld to the linker, which then places that code side by side at the
start of the binary instead of scattered through 3.5 MB of it. The kernel maps a
program's code in 64 KB windows around each page it runs (fault-around), so scattered
functions made nearly every window resident; side by side they take far fewer
(PERFORMANCE.md, "Code layout").

How: build the release binary exactly as shipped, with a linker map beside it (an extra
link argument changes no byte of the binary), run it under gdb with a one-shot
breakpoint on every function the map lists, for SECONDS (default 40) in a tmux pane of
each of the sizes users run it at (what the layout shows, and so which code runs,
depends on the size and on how many problems the machine has), and write every input
section that ran. Rust functions are written without their hash (`17h<16 hex>E`, v0
crate disambiguators), so that the list still matches after a dependency or version
change; static glibc is written as archive members.

Usage, from the repository: python3 packaging/code-layout/generate.py [SECONDS]
Needs gdb (with Python), tmux and the default linker of Rust 1.90+ on Linux (lld, for
its map format). Run it on an idle machine.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SIZES = ((200, 50), (250, 70), (120, 40), (80, 24))

# Runs inside gdb: a breakpoint at every listed address, each disabled at its first hit.
GDB_SCRIPT = r"""
import gdb
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set breakpoint always-inserted on")
gdb.execute("starti")
binary = gdb.selected_inferior().progspace.filename
base = None
for line in gdb.execute("info proc mappings", to_string=True).splitlines():
    fields = line.split()
    if len(fields) >= 5 and fields[-1] == binary:
        base = int(fields[0], 16)
        break
addresses = [int(line, 16) for line in open(ADDRESSES)]
for address in addresses:
    breakpoint = gdb.Breakpoint("*0x%x" % (base + address), internal=True)
    breakpoint.silent = True
ran = open(RAN, "w")
def on_stop(event):
    if isinstance(event, gdb.BreakpointEvent):
        for breakpoint in event.breakpoints:
            ran.write("%x\n" % (int(breakpoint.location[1:], 16) - base))
            breakpoint.enabled = False
        ran.flush()
gdb.events.stop.connect(on_stop)
while gdb.selected_inferior().pid:
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error:
        break
"""

# One line of lld's map: VMA, LMA, size, alignment, then an output section (one space
# in), an input section (9) or a symbol (17).
MAP_LINE = re.compile(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+( +)(\S.*)$")
INPUT_SECTION = re.compile(r"^(.*?)(?:\(([^()]*)\))?:\((\.text[^)]*)\)$")


def build(map_path):
    subprocess.run(["cargo", "rustc", "--release", "--bin", "ctop", "--", "-C", f"link-arg=-Wl,-Map={map_path}"],
                   cwd=REPO, check=True)
    triple = subprocess.check_output(["rustc", "--print", "host-tuple"], text=True).strip()
    return os.path.join(REPO, "target", triple, "release", "ctop")


def pattern_for(file, member, section):
    """The linker-script line that places this input section, or None."""
    if section.startswith(".text.") and section not in (".text.unlikely", ".text.hot"):
        name = section.removeprefix(".text.").removeprefix("unlikely.")
        return "name", unhashed(name) or name
    if member:  # a whole .text of an archive member: glibc is built without function sections
        return "member", f"*{os.path.basename(file)}:{member}(.text .text.*)"
    return "member", f"*{os.path.basename(file)}(.text .text.*)"


def code_in_map(map_path):
    """{address of each function in the code: the pattern that places its section}."""
    places, section_pattern, in_code = {}, None, False
    for line in open(map_path):
        match = MAP_LINE.match(line)
        if not match:
            continue
        address, size, indent, text = int(match[1], 16), int(match[2], 16), len(match[3]), match[4]
        if indent <= 1:
            in_code = text in (".text", ".text.hot")
            continue
        if not in_code:
            continue
        if indent <= 9:
            section = INPUT_SECTION.match(text)
            section_pattern = pattern_for(*section.groups()) if section and size else None
            if section_pattern:
                places[address] = section_pattern
        elif section_pattern:
            places[address] = section_pattern
    return places


def unhashed(symbol):
    """The symbol as a section-name pattern that survives rebuilds, or None if not Rust."""
    # LLVM renames local copies (`.llvm.123`, `.406`) differently in each build.
    bare = re.sub(r"(\.llvm)?\.\d+$", "", symbol)
    renamed = "*" if bare != symbol else ""
    if bare.startswith("_ZN"):
        return re.sub(r"17h[0-9a-f]{16}E$", "17h*", bare)
    if bare.startswith("_R"):
        return re.sub(r"Cs[0-9A-Za-z]+_", "Cs*_", bare) + renamed
    return None


def addresses_that_ran(binary, places, seconds, work):
    listed = os.path.join(work, "addresses")
    with open(listed, "w") as out:
        out.write("".join(f"{address:x}\n" for address in places))
    ran_anywhere = set()
    for columns, rows in SIZES:
        ran = os.path.join(work, f"ran-{columns}x{rows}")
        script = os.path.join(work, "cover.py")
        with open(script, "w") as out:
            out.write(f"ADDRESSES = {listed!r}\nRAN = {ran!r}\n" + GDB_SCRIPT)
        tmux = ["tmux", "-L", f"ctop-code-layout-{os.getpid()}"]
        subprocess.run(tmux + ["new-session", "-d", "-x", str(columns), "-y", str(rows),
                               f"TERM=xterm-256color gdb -q -batch -nx -x {script} --args {binary} 2>{ran}.gdb"],
                       check=True)
        try:
            time.sleep(seconds)
            subprocess.run(tmux + ["send-keys", "q"], check=True)
            for _ in range(600):
                if subprocess.run(tmux + ["has-session"], stderr=subprocess.DEVNULL).returncode:
                    break
                time.sleep(0.1)
        finally:
            subprocess.run(tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        these = {int(line, 16) for line in open(ran)} if os.path.exists(ran) else set()
        if len(these) < 500:
            with open(f"{ran}.gdb") as gdb_said:
                sys.exit(f"{columns}x{rows}: only {len(these)} functions ran; gdb said:\n{gdb_said.read()[-2000:]}")
        print(f"{columns}x{rows}: {len(these)} functions ran")
        ran_anywhere |= these
    # gdb stops the program at its entry point, where no breakpoint can be hit yet.
    with open(binary, "rb") as elf:
        ran_anywhere.add(struct.unpack_from("<Q", elf.read(64), 0x18)[0])
    return ran_anywhere


def write_script(patterns, functions, seconds, path):
    names = sorted(p for kind, p in patterns if kind == "name")
    members = sorted(p for kind, p in patterns if kind == "member")
    uname = os.uname()
    sizes = ", ".join(f"{columns}x{rows}" for columns, rows in SIZES)
    with open(path, "w") as out:
        out.write(f"/* Generated by packaging/code-layout/generate.py ({seconds} s of an idle dashboard at\n"
                  f"   each of {sizes} on {uname.sysname} {uname.release} {uname.machine}, {time.strftime('%Y-%m-%d')}):\n"
                  f"   the code of the {functions} functions that ran, placed together before the\n"
                  f"   rest. Regenerate after large changes; tests/code_layout.rs says when. */\n")
        out.write("SECTIONS {\n  .text.hot : {\n    *(\n")
        for name in names:
            out.write(f"      .text.{name}\n      .text.unlikely.{name}\n")
        out.write("    )\n")
        for member in members:
            out.write(f"    {member}\n")
        out.write("  }\n}\nINSERT BEFORE .text;\n")
    print(f"{path}: {len(names)} function patterns, {len(members)} object files")


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    with tempfile.TemporaryDirectory() as work:
        map_path = os.path.join(work, "ctop.map")
        binary = build(map_path)
        places = code_in_map(map_path)
        ran = addresses_that_ran(binary, places, seconds, work)
    patterns = {places[address] for address in ran if address in places}
    write_script(patterns, len(ran), seconds, os.path.join(HERE, "hot.ld"))


if __name__ == "__main__":
    main()
