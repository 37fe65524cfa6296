#!/usr/bin/env python3
"""Whole-process benchmark: `migra inspect --json` of a generated 2,000-table PostgreSQL schema.

The schema is `../shared/bench/gen_schema.py`'s `schema_a.sql` (2,000 tables x 10 columns, an
index per table, a unique index on every 4th, an FK chain), loaded once into the database
`migra_bench_schema_a` with `psql -1` (about 45 s) and kept: a comment on the database records the
file's SHA-256, so a later run reloads only when the generator's output changed.
Reported next to `pg_dump --schema-only` of the same database (the server's own schema reader),
alternating every round; peak RSS of each
program from getrusage in a process of its own.

usage: benches/introspect_pg.py [ROUNDS=5] [TABLES=2000]
Needs MIGRA_TEST_PG_URL (scripts/servers.sh sets it up). Builds `migra` in release mode first.
"""
import hashlib, json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_schema.py")
DB = "migra_bench_schema_a"


def psql(url, *sql):
    args = ["psql", url, "-qtA", "-v", "ON_ERROR_STOP=1"]
    for s in sql:
        args += ["-c", s]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def child(cmd):
    """Runs cmd with stdout discarded; returns its wall-clock seconds."""
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {p.stderr.decode(errors='replace')}")
    return time.perf_counter() - t


def ensure_db(admin, name, schema):
    """Loads `schema` into database `name` unless a comment on it says it holds this very file."""
    url = f"{admin.rsplit('/', 1)[0]}/{name}"
    digest = hashlib.sha256(open(schema, "rb").read()).hexdigest()
    exists = psql(admin, f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == "1"
    current = exists and psql(admin, f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'") == digest
    if not current:
        print(f"loading {os.path.basename(schema)} into {name} (once)...", flush=True)
        psql(admin, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        subprocess.run(["psql", url, "-q1", "-v", "ON_ERROR_STOP=1", "-f", schema], check=True,
                       stdout=subprocess.DEVNULL)
        psql(admin, f"COMMENT ON DATABASE {name} IS '{digest}'")
    return url


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    tables = sys.argv[2] if len(sys.argv) > 2 else "2000"
    admin = os.environ["MIGRA_TEST_PG_URL"]
    url = f"{admin.rsplit('/', 1)[0]}/{DB}"
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    migra = os.path.join(ROOT, "target", "release", "migra")
    with tempfile.TemporaryDirectory(prefix="migra-bench-") as work:
        subprocess.run([sys.executable, GEN, work, tables], check=True, stdout=subprocess.DEVNULL)
        schema = os.path.join(work, "schema_a.sql")
        ensure_db(admin, DB, schema)
        out = subprocess.run([migra, "inspect", "--json", "-d", url], check=True, capture_output=True).stdout
        model = json.loads(out)
        ts = [t for n in model["namespaces"] for t in n["tables"]]
        print(f"model: {len(ts)} tables, {sum(len(t['columns']) for t in ts)} columns, "
              f"{sum(len(t['indexes']) for t in ts)} indexes, {sum(len(t['foreign_keys']) for t in ts)} FKs, "
              f"{len(out) / 1e6:.1f} MB of JSON")
        mine, floor = [], []
        for _ in range(rounds):
            s = child(["pg_dump", "--schema-only", "-d", url])
            floor.append(s)
            s = child([migra, "inspect", "--json", "-d", url])
            mine.append(s)
        # Peak RSS per program, measured apart so the other's peak does not mask it.
        rss_mine = peak_rss([migra, "inspect", "--json", "-d", url])
        rss_floor = peak_rss(["pg_dump", "--schema-only", "-d", url])
        m, f = statistics.median(mine), statistics.median(floor)
        print(f"migra inspect --json     median {m * 1000:7.0f} ms  (min {min(mine) * 1000:.0f})  peak RSS {rss_mine:.0f} MiB")
        print(f"pg_dump --schema-only    median {f * 1000:7.0f} ms  (min {min(floor) * 1000:.0f})  peak RSS {rss_floor:.0f} MiB")
        print(f"ratio {m / f:.2f}x  ({rounds} rounds, alternating)")


def peak_rss(cmd):
    """Peak RSS in MiB of one run of cmd, read by GNU time in a fresh process tree."""
    r = subprocess.run(["python3", "-c", (
        "import resource,subprocess,sys;"
        "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")] + cmd,
        check=True, capture_output=True, text=True)
    return int(r.stdout) / 1024


if __name__ == "__main__":
    main()
