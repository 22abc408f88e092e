#!/usr/bin/env python3
"""Line coverage of our own sources after `swift test --enable-code-coverage`.

  scripts/coverage.py SCRATCH_PATH [--minimum PERCENT] [--html DIRECTORY]

Reads the merged profile SwiftPM wrote under SCRATCH_PATH/debug/codecov/ and the instrumented
binaries (the test bundle plus every executable the tests ran, such as telemetryd), asks
llvm-cov for per-file line counts, and prints line coverage per module (Sources/<Module>/) and
in total. Generated protobuf code, dependencies, tests and examples are left out. Exits 1 when
the total is under --minimum (default 80). --html also writes llvm-cov's HTML report.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict

IGNORED = r"(\.build|/Tests/|/Examples/|/Benchmarks/|/Generated/|/checkouts/)"


def tool(name):
    """The toolchain's copy (next to `swift`): another LLVM's may not read Swift's profiles."""
    swift = shutil.which("swift")
    toolchain = os.path.dirname(os.path.realpath(swift)) if swift else ""
    found = shutil.which(name, path=toolchain) or shutil.which(name)
    if not found:
        sys.exit(f"coverage: {name} not found (it ships with the Swift toolchain)")
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scratch")
    parser.add_argument("--minimum", type=float, default=80.0)
    parser.add_argument("--html")
    arguments = parser.parse_args()
    debug = os.path.join(arguments.scratch, "debug")
    profile = os.path.join(debug, "codecov", "default.profdata")
    if not os.path.exists(profile):
        sys.exit(f"coverage: {profile} missing: run swift test --enable-code-coverage first")
    bundle = next((os.path.join(debug, name) for name in sorted(os.listdir(debug)) if name.endswith(".xctest")), None)
    if bundle is None:
        sys.exit(f"coverage: no test bundle in {debug}")
    objects = [bundle]
    for name in ("telemetryd", "telemetry-demo", "dashboard-demo"):
        path = os.path.join(debug, name)
        if os.path.exists(path):
            objects += ["-object", path]
    llvm_cov = tool("llvm-cov")
    command = [llvm_cov, "export", "-summary-only", "-instr-profile", profile, "-ignore-filename-regex", IGNORED] + objects
    report = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    root = os.path.realpath(os.path.join(os.path.dirname(__file__), "..")) + "/"
    modules = defaultdict(lambda: [0, 0])
    for entry in report["data"][0]["files"]:
        path = os.path.realpath(entry["filename"])
        if not path.startswith(root + "Sources/"):
            continue
        module = path[len(root + "Sources/"):].split("/")[0]
        lines = entry["summary"]["lines"]
        modules[module][0] += lines["covered"]
        modules[module][1] += lines["count"]
    covered = sum(value[0] for value in modules.values())
    total = sum(value[1] for value in modules.values())
    print(f"{'module':<20} {'lines':>8} {'covered':>8} {'coverage':>9}")
    for module in sorted(modules):
        done, count = modules[module]
        print(f"{module:<20} {count:>8} {done:>8} {100 * done / max(count, 1):>8.1f}%")
    percent = 100 * covered / max(total, 1)
    print(f"{'total':<20} {total:>8} {covered:>8} {percent:>8.1f}%")
    if arguments.html:
        subprocess.run([llvm_cov, "show", "-format=html", "-output-dir", arguments.html, "-instr-profile", profile,
                        "-ignore-filename-regex", IGNORED] + objects, check=True)
        print(f"HTML report: {arguments.html}/index.html")
    if percent < arguments.minimum:
        print(f"coverage {percent:.1f}% is under the {arguments.minimum:.0f}% gate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
