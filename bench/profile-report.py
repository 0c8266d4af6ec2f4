#!/usr/bin/env python3
"""Where a process's CPU went, from a `perf record` of it (bench.sh --profile).

   python3 bench/profile-report.py PERF_DATA [TOP]

Reads `perf report --no-children --sort dso,sym` (self time per symbol; JIT-compiled .NET methods are named through
the perf map the app writes with DOTNET_PerfMapEnabled=1; ReadyToRun code by the assembly it was precompiled into) and
prints the share of samples by component (EF Core, ASP.NET Core, SQLite, JIT, runtime, kernel, ...) and the TOP hottest
named symbols. libcoreclr.so ships stripped, so the garbage collector is not told apart from the rest of the runtime.
"""
import re
import subprocess
import sys
from collections import defaultdict

# First match wins: (component, test on the dso, test on the symbol).
MANAGED = [
    ("EF Core", r"^Microsoft\.EntityFrameworkCore"),
    ("SQLite ADO.NET (Microsoft.Data.Sqlite, SQLitePCL)", r"^(Microsoft\.Data\.Sqlite|SQLitePCL)"),
    ("Npgsql", r"^Npgsql"),
    ("Razor Pages, MVC and views", r"^(Microsoft\.AspNetCore\.(Mvc|Razor|Html)|AspNetCoreGeneratedDocument|Microsoft\.Extensions\.WebEncoders)"),
    ("Kestrel and HTTP", r"^(Microsoft\.AspNetCore\.(Server|Http|WebUtilities|Connections)|System\.Net\.(Http|Sockets|Security))"),
    ("ASP.NET Core other (routing, auth, antiforgery, data protection)", r"^Microsoft\.AspNetCore"),
    ("Dependency injection, options, logging", r"^Microsoft\.Extensions"),
    ("JSON", r"^System\.Text\.Json"),
    ("Crypto", r"^(System\.Security\.Cryptography|Interop\+Crypto)"),
    ("Flowthrough's own code", r"^(Flowthrough|BroadWorksSimulator)"),
    ("Expression trees and reflection", r"^System\.(Linq\.Expressions|Reflection|RuntimeType|RuntimeMethod)"),
    ("Threads, tasks and async", r"^System\.(Threading|Runtime\.CompilerServices)"),
    ("Strings, collections and other BCL", r"^System\."),
]
NATIVE = [
    ("JIT compiler", r"libclrjit"),
    ("Runtime (GC, type loader, stubs)", r"libcoreclr|libclrgc"),
    ("SQLite engine (native)", r"libe_sqlite3"),
    ("Kernel (syscalls, network, disk)", r"kernel"),
    ("libc and System.Native", r"libc\.|libSystem|ld-linux|libpthread|libstdc"),
    ("TLS (OpenSSL)", r"libssl|libcrypto"),
]

# "  1.23%  [JIT] tid 4242  [.] instance bool [System.Linq] System.Linq.Enumerable::Any(...)[OptimizedTier1]"
LINE = re.compile(r"^\s*[\d.]+%\s+(\d+)\s+(\[JIT\] tid \d+|\S+)\s+\[(.)\]\s+(.*)$")
# A JIT-compiled method's type and name, after its return type and "[Assembly] ".
MANAGED_NAME = re.compile(r"\[[^\]]+\] ([^\s(]+?)::([^\s(]+)\(")


def short(symbol):
    match = MANAGED_NAME.search(symbol)
    return f"{match[1]}::{match[2]}" if match else symbol


def component(dso, symbol):
    if dso.startswith("perf-") or dso.startswith("[JIT]") or dso.endswith(".map"):
        for name, pattern in MANAGED:
            if re.search(pattern, short(symbol)):
                return name
        return "Other managed code" if not symbol.startswith("0x") else "Managed code without a name (no perf map)"
    if dso.endswith(".dll"):
        # ReadyToRun code: precompiled into the assembly's file, so perf names the assembly but not the method.
        for name, pattern in MANAGED:
            if re.search(pattern, dso[:-4]):
                return name
        return "Other managed code"
    for name, pattern in NATIVE:
        if re.search(pattern, dso):
            return name
    return "Other native libraries"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    report = subprocess.run(["perf", "report", "-i", sys.argv[1], "--no-children", "--sort", "dso,sym", "--stdio", "-n",
                             "-g", "none"], capture_output=True, text=True, check=True).stdout
    samples = re.search(r"# Samples: (\S+)", report)
    shares = defaultdict(float)
    symbols = []
    for line in report.splitlines():
        match = LINE.match(line)
        if not match:
            if line.strip() and not line.startswith("#"):
                print(f"unparsed: {line[:160]}", file=sys.stderr)
            continue
        # Shares from sample counts: the printed percentages are rounded per line, and thousands of one-sample
        # lines would add up to well over 100%.
        share, dso, _, symbol = int(match[1]), match[2], match[3], match[4].strip()
        shares[component(dso, symbol)] += share
        symbols.append((share, dso, symbol))
    total = sum(share for share, _, _ in symbols) or 1
    symbols = [(share * 100.0 / total, dso, symbol) for share, dso, symbol in symbols]
    shares = {name: count * 100.0 / total for name, count in shares.items()}
    merged = defaultdict(float)
    for share, dso, symbol in symbols:
        merged[(short(symbol), "[JIT]" if dso.startswith("[JIT]") else dso)] += share
    symbols = [(share, dso, name) for (name, dso), share in merged.items()]
    print(f"CPU samples: {samples[1] if samples else '?'} (perf record, self time)")
    print()
    print("| Component | Share of CPU |")
    print("|---|---|")
    shown = 0.0
    for name, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        if share >= 0.3:
            print(f"| {name} | {share:.1f}% |")
            shown += share
    print(f"| (the rest, each under 0.3%) | {max(0.0, 100 - shown):.1f}% |")
    print()
    print(f"Hottest {top} named symbols:")
    # Unnamed addresses (stripped native libraries) say nothing a reader can act on; their component share says it.
    named = [s for s in symbols if not s[2].startswith("0x")]
    for share, dso, symbol in sorted(named, key=lambda s: -s[0])[:top]:
        print(f"  {share:5.2f}%  {short(symbol)[:150]}  ({'JIT-compiled' if dso.startswith('[JIT]') else dso})")


if __name__ == "__main__":
    main()
