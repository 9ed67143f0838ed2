#!/usr/bin/env python3
"""`peer-replay run --metrics-out` read by a real Prometheus parser.

For each trace named: the engine's exposition (Prometheus text 0.0.4) must parse
with prometheus_client's parser (Debian python3-prometheus-client), declare each
peer-manager metric with its type, and hold exactly the samples of the
registry Lodestar recorded after the last event, rebuilt here from the trace's
metrics records (traces/FORMAT.md §8), values compared exactly. A missing
parser is a failure, not a skip.

The histogram bounds come from FORMAT.md §8.2's table (Lodestar's buckets).

Usage: metrics_out_test.py <peer-replay binary> <FORMAT.md> <trace>...
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError as e:  # the check cannot run: fail (scripts/bootstrap.sh installs it)
    sys.exit(f"FAIL: prometheus_client is not importable ({e}); install python3-prometheus-client")


def lodestar_registry(cli, trace):
    """The registry after the last event, from the trace's metrics records."""
    text = subprocess.run([cli, "cat", trace], check=True, capture_output=True, text=True).stdout
    series = {}
    spec = {}
    for line in text.splitlines():
        rec = json.loads(line)
        if rec["type"] != "metrics":
            continue
        if rec["full"]:
            series = {}
        for s in rec["series"]:
            series[(s["name"], tuple(sorted(s["labels"].items())))] = s
        for s in rec.get("removed", []):
            series.pop((s["name"], tuple(sorted(s["labels"].items()))), None)
    if not series:
        sys.exit(f"FAIL: {trace} carries no metrics records")
    return series


def format_buckets(format_md):
    """name -> [bound, ...] from the table of FORMAT.md §8.2."""
    out = {}
    with open(format_md, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 5 and cells[1] == "histogram":
                out[cells[0].strip("`")] = [float(b) for b in cells[4].split(",")]
    if len(out) != 5:
        sys.exit(f"FAIL: {format_md}: expected the 5 histograms of §8.2, read {sorted(out)}")
    return out


def norm(labels):
    """Labels as a sorted tuple, `le` as a float (so "1" and "1.0" are one bound)."""
    return tuple(sorted((k, float(v) if k == "le" else v) for k, v in labels))


def expected_samples(series, buckets_of):
    out = {}
    for (name, labels), s in series.items():
        if "value" in s:
            out[(name, labels)] = float(s["value"])
            continue
        bounds = buckets_of[name]
        for le, c in zip(bounds, s["buckets"]):
            out[(name + "_bucket", norm(labels + (("le", le),)))] = float(c)
        out[(name + "_bucket", norm(labels + (("le", "+Inf"),)))] = float(s["count"])
        out[(name + "_sum", labels)] = float(s["sum"])
        out[(name + "_count", labels)] = float(s["count"])
    return out


def main():
    cli, buckets_of, traces = sys.argv[1], format_buckets(sys.argv[2]), sys.argv[3:]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for trace in traces:
            prom = os.path.join(tmp, "metrics.prom")
            subprocess.run([cli, "run", trace, "-o", os.path.join(tmp, "out.jsonl"), "--metrics-out", prom, "-q"],
                           check=True)
            with open(prom, encoding="utf-8") as f:
                text = f.read()
            families = list(text_string_to_metric_families(text))
            types = {f.name: f.type for f in families}
            got = {}
            for f in families:
                for s in f.samples:
                    got[(s.name, norm(s.labels.items()))] = s.value
            series = lodestar_registry(cli, trace)
            for (name, _), s in series.items():
                want = "gauge" if "value" in s else "histogram"
                if types.get(name) != want:
                    print(f"FAIL {trace}: {name} is declared {types.get(name)!r}, expected {want}")
                    failures += 1
            want = expected_samples(series, buckets_of)
            for key in sorted(set(want) | set(got)):
                if want.get(key) != got.get(key):
                    print(f"FAIL {trace}: {key[0]}{dict(key[1])}: Lodestar {want.get(key)}, exposition {got.get(key)}")
                    failures += 1
            print(f"{trace}: {len(families)} families, {len(got)} samples parsed, {len(want)} expected")
    if failures:
        sys.exit(f"FAIL: {failures} difference(s)")


main()
