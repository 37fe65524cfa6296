#!/usr/bin/env python3
"""Backfill throughput on PostgreSQL: migra's batched statement versus one UPDATE.

A table of ROWS rows (id BIGINT PRIMARY KEY, v INT, n INT) is rebuilt before every run (loaded,
VACUUM ANALYZE, CHECKPOINT), then `n = n + 1` is applied to every row either by one `UPDATE`
(psql) or by `migra apply` of a migration with `-- migra:batch table=big key=id size=SIZE`,
alternating. Reports rows/s of each, the ratio, and the longest single batch (from the progress
events `migra apply --json` writes on stderr; each batch's time includes its checkpoint and commit,
the span it holds row locks).

usage: benches/backfill_pg.py [ROWS=10000000] [SIZE=10000] [ROUNDS=2] [extra migra apply args...]
Needs MIGRA_TEST_PG_URL (scripts/servers.sh). Builds `migra` in release mode first.
"""
import json, os, statistics, subprocess, sys, tempfile, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def psql(url, sql):
    subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    extra = sys.argv[4:]
    pg = os.environ["MIGRA_TEST_PG_URL"]
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    migra = os.path.join(ROOT, "target", "release", "migra")
    psql(pg, "DROP DATABASE IF EXISTS migra_bench_backfill")
    psql(pg, "CREATE DATABASE migra_bench_backfill")
    url = pg.rsplit("/", 1)[0] + "/migra_bench_backfill"
    work = tempfile.mkdtemp(prefix="migra-backfill-")
    os.makedirs(os.path.join(work, "migrations"))
    with open(os.path.join(work, "migrations", "20260101_000001_backfill.sql"), "w") as f:
        f.write("-- MIGRATION: backfill\n-- DIRECTION: up\n"
                f"-- migra:batch table=big key=id size={size}\nUPDATE big SET n = n + 1 WHERE {{batch}};\n")

    def fresh():
        psql(url, "DROP TABLE IF EXISTS big; DROP TABLE IF EXISTS migra_history, migra_history_log, migra_history_kv")
        psql(url, "CREATE TABLE big (id BIGINT PRIMARY KEY, v INT NOT NULL DEFAULT 0, n INT NOT NULL DEFAULT 0)")
        psql(url, f"INSERT INTO big (id, v) SELECT g, g % 1000 FROM generate_series(1, {rows}) g")
        psql(url, "VACUUM ANALYZE big")
        psql(url, "CHECKPOINT")

    single, batched, longest, batches = [], [], [], []
    try:
        for r in range(rounds):
            for method in (["single", "batched"] if r % 2 == 0 else ["batched", "single"]):
                fresh()
                t = time.perf_counter()
                if method == "single":
                    psql(url, "UPDATE big SET n = n + 1")
                    single.append(time.perf_counter() - t)
                else:
                    p = subprocess.run([migra, "--database", url, "apply", "--json", "--no-validate", *extra],
                                       cwd=work, check=True, capture_output=True, text=True)
                    batched.append(time.perf_counter() - t)
                    ev = [json.loads(l) for l in p.stderr.splitlines() if l.startswith("{")]
                    ms = [e["batch_ms"] for e in ev if e.get("event") == "batch"]
                    longest.append(max(ms))
                    batches.append(len(ms))
                print(f"round {r + 1} {method}: {(single if method == 'single' else batched)[-1]:.2f} s", flush=True)
    finally:
        psql(pg, "DROP DATABASE IF EXISTS migra_bench_backfill")
        shutil.rmtree(work, ignore_errors=True)
    s, b = statistics.median(single), statistics.median(batched)
    print(f"rows {rows}, batch size {size}, extra args {extra or 'none'}, rounds {rounds}")
    print(f"one UPDATE:     median {s:.2f} s  ({rows / s:,.0f} rows/s)  runs {[round(x, 2) for x in single]}")
    print(f"migra batches:  median {b:.2f} s  ({rows / b:,.0f} rows/s)  runs {[round(x, 2) for x in batched]}")
    print(f"throughput ratio (batched / single): {s / b:.2f}")
    print(f"batches per run {batches}; longest batch per run (ms) {longest}")


if __name__ == "__main__":
    main()
