#!/usr/bin/env python3
"""Whole-process benchmark: `migra diff` between two live 2,000-table PostgreSQL databases.

`../shared/bench/gen_schema.py` writes schema_a.sql and schema_b.sql (130 changes, listed in its
changes.txt); each is loaded once into its own database and kept (see introspect_pg.py).
Reports the median wall time of `migra diff --from A --to B --json` and its peak RSS, and checks
that the script it prints turns A into B: applied to a scratch copy of A, a second diff is empty.

usage: benches/diff_pg.py [ROUNDS=5] [TABLES=2000]
Needs MIGRA_TEST_PG_URL. Builds `migra` in release mode first.
"""
import json, os, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from introspect_pg import GEN, ROOT, ensure_db, peak_rss, psql  # noqa: E402


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    tables = sys.argv[2] if len(sys.argv) > 2 else "2000"
    admin = os.environ["MIGRA_TEST_PG_URL"]
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    migra = os.path.join(ROOT, "target", "release", "migra")
    with tempfile.TemporaryDirectory(prefix="migra-bench-") as work:
        subprocess.run([sys.executable, GEN, work, tables], check=True, stdout=subprocess.DEVNULL)
        a = ensure_db(admin, "migra_bench_schema_a", os.path.join(work, "schema_a.sql"))
        b = ensure_db(admin, "migra_bench_schema_b", os.path.join(work, "schema_b.sql"))
        cmd = [migra, "diff", "--from", a, "--to", b, "--json"]
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            out = subprocess.run(cmd, check=True, capture_output=True).stdout
            times.append(time.perf_counter() - t)
        report = json.loads(out)
        rss = peak_rss(cmd)
        expected = sum(1 for line in open(os.path.join(work, "changes.txt")) if line.strip())
        print(f"migra diff (live, {tables} tables each): median {statistics.median(times) * 1000:.0f} ms "
              f"(min {min(times) * 1000:.0f}), peak RSS {rss:.0f} MiB; {len(report['changes'])} changes, "
              f"{len(report['up']['steps'])} statements; the generator lists {expected} changes")
        # The script must turn A into B: apply it to a copy of A and diff again.
        scratch = "migra_bench_diff_scratch"
        psql(admin, f"DROP DATABASE IF EXISTS {scratch}", f"CREATE DATABASE {scratch} TEMPLATE migra_bench_schema_a")
        s_url = f"{admin.rsplit('/', 1)[0]}/{scratch}"
        script = os.path.join(work, "up.sql")
        open(script, "w").write(report["up_script"])
        subprocess.run(["psql", s_url, "-q1", "-v", "ON_ERROR_STOP=1", "-f", script], check=True,
                       stdout=subprocess.DEVNULL)
        again = json.loads(subprocess.run([migra, "diff", "--from", s_url, "--to", b, "--json"], check=True,
                                          capture_output=True).stdout)
        print(f"after applying the script to a copy of A: {len(again['changes'])} changes left")
        psql(admin, f"DROP DATABASE {scratch}")


if __name__ == "__main__":
    main()
