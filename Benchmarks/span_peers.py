#!/usr/bin/env python3
"""Prints span-peers.sh's table: Telemetry's span overhead beside swift-otel's (the same
TracingBenchmarks run) and the OpenTelemetry Go SDK's (PeerSDKs/otel-go, run before and
after it). Usage: span_peers.py SWIFT_BENCHMARK_OUTPUT GO_TSV [GO_TSV ...]"""
import re
import sys

# (workload, Telemetry's benchmark, swift-otel's benchmark or None, Go's workload)
WORKLOADS = [
    ("sampled span, 3 attributes", "sampled span 3 attributes / Telemetry",
     "sampled span 3 attributes / swift-otel", "sampled span 3 attributes"),
    ("... the attributes given at start", "sampled span 3 attributes / Telemetry, attributes at start",
     None, "sampled span 3 attributes, attributes at start"),
    ("unsampled span", "unsampled span / Telemetry", "unsampled span / swift-otel", "unsampled span"),
    ("withSpan around a body", "withSpan async body / Telemetry", "withSpan async body / swift-otel",
     "span around a body (withSpan)"),
    ("traceparent, new map carrier", "traceparent inject+extract / Telemetry",
     "traceparent inject+extract / swift-otel", "traceparent inject+extract"),
    ("traceparent, new header list", "traceparent inject+extract, NIO HTTPHeaders / Telemetry",
     "traceparent inject+extract, NIO HTTPHeaders / swift-otel", "traceparent inject+extract, http.Header"),
    ("traceparent, a request's headers",
     "traceparent inject+extract, request's NIO HTTPHeaders / Telemetry",
     "traceparent inject+extract, request's NIO HTTPHeaders / swift-otel",
     "traceparent inject+extract, request's http.Header"),
]

UNIT_NS = {"ns": 1.0, "μs": 1e3, "us": 1e3, "ms": 1e6}


def number(text):
    """A table cell such as '1,234' or '12' or '1.5'."""
    return float(text.replace(",", "").strip())


def swift_results(path):
    """{benchmark: {"p0": ns, "p50": ns, "allocations": n}} from the benchmark plugin's text."""
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", open(path, encoding="utf-8").read())
    lines = text.splitlines()
    results, title = {}, None
    for index, line in enumerate(lines):
        if index + 1 < len(lines) and lines[index + 1].startswith("╒") and not line.startswith("│"):
            title = line.strip()
            continue
        if title is None or not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if cells[0].startswith("Time (wall clock)"):
            unit = re.search(r"\((ns|μs|us|ms)\)", cells[0])
            scale = UNIT_NS[unit.group(1)] if unit else 1.0
            entry = results.setdefault(title, {})
            entry["p0"], entry["p50"] = number(cells[1]) * scale, number(cells[3]) * scale
        elif cells[0].startswith("Malloc (total)"):
            results.setdefault(title, {})["allocations"] = number(cells[3])
    return results


def go_results(paths):
    """{workload: {"p0", "p50", "allocations", "version"}}, the lower p50 over the runs."""
    results = {}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            name, p0, p50, allocations = line.rstrip("\n").split("\t")
            workload, _, version = name.partition(" / ")
            entry = {"p0": float(p0), "p50": float(p50), "allocations": float(allocations), "version": version}
            if workload not in results or entry["p50"] < results[workload]["p50"]:
                results[workload] = entry
    return results


def show(entry, with_p0=True):
    if not entry or "p50" not in entry:
        return "–"
    text = f"{entry['p50']:,.0f} ns"
    if with_p0:
        text += f" ({entry['p0']:,.0f})"
    allocations = entry.get("allocations")
    if allocations is not None:
        text += f", {allocations:g} alloc"
    return text


def ratio(ours, theirs):
    if not ours or not theirs or "p50" not in ours or "p50" not in theirs or theirs["p50"] == 0:
        return "–"
    return f"{ours['p50'] / theirs['p50']:.3f}"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    swift = swift_results(sys.argv[1])
    go = go_results(sys.argv[2:])
    version = next(iter(go.values()), {}).get("version", "OpenTelemetry Go")
    missing = [ours for _, ours, _, _ in WORKLOADS if ours not in swift]
    if missing:
        sys.exit(f"span_peers.py: no result for {', '.join(missing)} in the benchmark's output:\n"
                 + open(sys.argv[1], encoding="utf-8").read()[-4000:])
    print("p50 per operation (p0), allocations per operation; ratio = Telemetry's p50 / the peer's")
    print(f"| workload | Telemetry | swift-otel | {version} | ÷ swift-otel | ÷ Go |")
    print("|---|---|---|---|---|---|")
    for label, ours, otel, go_name in WORKLOADS:
        mine, theirs, gos = swift[ours], swift.get(otel) if otel else None, go.get(go_name)
        print(f"| {label} | {show(mine)} | {show(theirs, with_p0=False)} | {show(gos)} "
              f"| {ratio(mine, theirs)} | {ratio(mine, gos)} |")


if __name__ == "__main__":
    main()
