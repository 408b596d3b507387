#!/usr/bin/env python3
"""Torsion's rows against the peers, from run-peers.sh results (one run of bench/run).

usage: python3 bench/ratios.py --kit KIT_DIR results.txt [results.txt ...]

Prints the kit's own tables (summarize.py, imported from the kit, so medians and columns are
exactly the kit's), then a compact table of Torsion/peer ratios and the issue-5 targets, each
marked met or missed. Rows named torsion-REACTOR are Torsion's (bench/run's --extra rows).
Medians are over the runs of this invocation only; ratios are of medians.
"""
import argparse
import statistics
import sys

DOTNET_PEERS = ("dotnet", "dotnet-inline", "dotnet-zerobyte", "kestrel", "kestrel-inline", "dotnetty")
LABEL = {"http": "req/s", "echo": "msgs/s", "burst": "conns/s", "idle": "bytes/conn", "stream": "MB/s"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit", required=True)
    ap.add_argument("results", nargs="+")
    a = ap.parse_args()
    sys.path.insert(0, a.kit)
    import summarize as s  # the kit's: same parsing, medians and table layout

    runs, failures = [], []
    for path in a.results:
        r, f = s.parse(path)
        runs += r
        failures += f
    for scen in s.SCENARIOS:
        t = s.table(scen, runs)
        if t:
            print(t)
            print()
    if failures:
        print("### failures\n")
        for r in failures:
            print(f"- {r.get('scenario')} / {r.get('peer')} run {r.get('run')}: {r['failed']}")
        print()

    def med(scen, peer, key=None):
        key = key or s.SCENARIOS[scen][1]
        vals = [s.num(r, key) for r in runs if r.get("scenario") == scen and r.get("peer") == peer]
        vals = [v for v in vals if v is not None]
        return statistics.median(vals) if vals else None

    def cpu_per_unit(scen, peer):
        """Median over runs of the server's CPU microseconds per unit of work (srv_cpu is CPU s per wall s)."""
        key = s.SCENARIOS[scen][1]
        vals = []
        for r in runs:
            if r.get("scenario") == scen and r.get("peer") == peer:
                c, m = s.num(r, "srv_cpu"), s.num(r, key)
                if c is not None and m:
                    vals.append(c / m * 1e6)
        return statistics.median(vals) if vals else None

    def peers_of(scen, kind):
        return sorted({r["peer"] for r in runs if r.get("scenario") == scen and r.get("kind") == kind})

    def ratio(x, y):
        return f"{x / y:.2f}" if x is not None and y else "-"

    print("### Torsion / peers (ratios of medians over the results given)\n")
    print("| scenario | row | median | x c-ref | x best peer | x twisted | x best .NET | p99 | best .NET p99 | srv CPU us/unit | c-ref CPU us/unit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    checks = []
    for scen in s.SCENARIOS:
        higher = s.SCENARIOS[scen][3]
        torsion = [p for p in peers_of(scen, "extra") if p.startswith("torsion")]
        if not torsion:
            continue
        builtin = [p for p in peers_of(scen, "peer") if med(scen, p) is not None]
        pick = max if higher else min
        best = pick(builtin, key=lambda p: med(scen, p)) if builtin else None
        dotnet = [p for p in builtin if p in DOTNET_PEERS]
        best_net = pick(dotnet, key=lambda p: med(scen, p)) if dotnet else None
        p99s = {p: med(scen, p, "p99_us") for p in dotnet if med(scen, p, "p99_us") is not None}
        best_p99_peer = min(p99s, key=p99s.get) if p99s else None
        cref = med(scen, "c-ref")
        for t in torsion:
            m = med(scen, t)
            p99 = med(scen, t, "p99_us")
            cpu = cpu_per_unit(scen, t) if scen in ("echo", "burst", "http") else None
            cref_cpu = cpu_per_unit(scen, "c-ref") if scen in ("echo", "burst") else None
            print("| " + " | ".join([
                scen, t, s.fmt(m),
                ratio(m, cref),
                f"{ratio(m, med(scen, best))} ({best})" if best else "-",
                ratio(m, med(scen, "twisted")),
                f"{ratio(m, med(scen, best_net))} ({best_net})" if best_net else "-",
                s.fmt(p99) if p99 is not None else "-",
                f"{s.fmt(p99s[best_p99_peer])} ({best_p99_peer})" if best_p99_peer else "-",
                s.fmt(cpu) if cpu is not None else "-",
                s.fmt(cref_cpu) if cref_cpu is not None else "-",
            ]) + " |")
        checks += targets(scen, med, cpu_per_unit, torsion, builtin, p99s)
    print()
    print("srv CPU us/unit: the server process's CPU time per message / request / connection (kit's srv_cpu "
          "divided by the rate, median over runs). p99 in microseconds for echo and http alike.")
    print()
    if checks:
        print("### Targets (issue 5)\n")
        print("| target | value | met |")
        print("|---|---|---|")
        for name, value, ok in checks:
            print(f"| {name} | {value} | {'yes' if ok else ('no' if ok is not None else 'n/a')} |")
        print()


def targets(scen, med, cpu_per_unit, torsion, builtin, p99s):
    out = []
    ep = "torsion-epoll"
    m = med(scen, ep)

    def ge(name, x, y, k):
        if x is None or not y:
            return
        out.append((name, f"{x / y:.2f}", x / y >= k))

    if scen == "echo":
        ge("echo epoll >= 0.95 x c-ref msgs/s", m, med(scen, "c-ref"), 0.95)
        c, cr = cpu_per_unit(scen, ep), cpu_per_unit(scen, "c-ref")
        if c and cr:
            out.append(("echo epoll server CPU per msg <= 1.2 x c-ref", f"{c / cr:.2f}", c / cr <= 1.2))
    if scen == "http":
        ge("http epoll >= 1.2 x kestrel-inline", m, med(scen, "kestrel-inline"), 1.2)
        ge("http epoll >= 4 x twisted", m, med(scen, "twisted"), 4.0)
    if scen in ("burst", "stream"):
        ge(f"{scen} epoll >= 0.95 x c-ref", m, med(scen, "c-ref"), 0.95)
    if scen == "idle" and m is not None:
        peers = [med(scen, p) for p in builtin]
        low = min(peers) if peers else None
        out.append(("idle epoll <= 1,000 bytes/conn", f"{m:,.0f}", m <= 1000))
        if low is not None:
            out.append(("idle epoll below every peer", f"{m:,.0f} vs {low:,.0f}", m < low))
    if scen in ("echo", "http") and p99s:
        p = med(scen, ep, "p99_us")
        if p is not None:
            best = min(p99s.values())
            out.append((f"{scen} p99 <= best .NET peer's", f"{p:,.0f} vs {best:,.0f} us", p <= best))
    if scen != "idle" and m:
        for t in torsion:
            r = t.removeprefix("torsion-")
            if r == "epoll" or med(scen, t) is None:
                continue
            limit = 1.5 if r == "sockets" else 2.0
            x = m / med(scen, t)
            out.append((f"{scen} {r} within {limit}x epoll", f"epoll/{r} = {x:.2f}", x <= limit))
    return out


if __name__ == "__main__":
    main()
