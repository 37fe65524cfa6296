#!/usr/bin/env python3
"""Whole-process benchmarks of `migra` on PostgreSQL and MariaDB, next to the servers' own clients.

(b) apply 1,000 small migrations (a 5-column table + an index each) to a fresh database:
    `migra apply` vs `psql` (one transaction per file, one process) and `mariadb` (one process),
    alternating every round.
(a) the no-op check as a whole `migra status` process with 1,000 applied, with and without TLS
    (both servers have TLS on: PostgreSQL ssl=on, MariaDB as scripts/servers.sh configures it).

The MariaDB apply runs (b) go without TLS on every side (`mariadb --skip-ssl`, `ssl-mode=DISABLED`):
the issue's floor and earlier runs were measured on a server without it. PostgreSQL's go as each
client's default does (TLS preferred, so on).

Wall time on a shared virtual disk drifts by 2x between runs, so (b) also counts the disk flushes
the server made during each run (MariaDB `Innodb_data_fsyncs`, PostgreSQL `pg_stat_wal.wal_sync`):
a deterministic measure of what each side asks of the disk. Before every run the server writes
out what earlier runs left dirty (PostgreSQL `CHECKPOINT`; MariaDB flushes its buffer pool), so no
run pays for the one before it.

With MIGRA_BENCH_SQLX set to an `sqlx` binary (sqlx-cli, a peer the issue names; e.g.
`cargo install sqlx-cli --no-default-features --features mysql,postgres,rustls --root /tmp/sqlxcli`),
`sqlx migrate run` joins the alternation in (b) on the same files, and its no-op run is timed in (a).

usage: benches/compare_servers.py [ROUNDS=5]
Needs MIGRA_TEST_PG_URL and MIGRA_TEST_MYSQL_URL (scripts/servers.sh sets them up; both point at
an admin database of a user allowed to create databases). Builds `migra` in release mode first.
"""
import os, statistics, subprocess, sys, tempfile, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_migrations.py")


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def timed(cmd, **kw):
    t = time.perf_counter()
    run(cmd, **kw)
    return time.perf_counter() - t


def base(url):
    return url.rsplit("/", 1)[0]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    pg, my = os.environ["MIGRA_TEST_PG_URL"], os.environ["MIGRA_TEST_MYSQL_URL"]
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    migra = os.path.join(ROOT, "target", "release", "migra")
    sqlx = os.environ.get("MIGRA_BENCH_SQLX")
    work = tempfile.mkdtemp(prefix="migra-bench-")
    created = set()
    try:
        run([sys.executable, GEN, os.path.join(work, "w"), "1000"])
        raw = os.path.join(work, "w", "raw")
        files = sorted(os.listdir(raw))
        script = os.path.join(work, "all.sql")
        with open(script, "w") as f:
            f.write("".join("BEGIN;\n" + open(os.path.join(raw, x)).read() + "COMMIT;\n" for x in files))
        mdir = os.path.join(work, "w", "migra")
        u = my.split("://", 1)[1]
        my_user, rest = u.split(":", 1)
        my_pass, hostport = rest.split("@", 1)[0], rest.split("@", 1)[1].split("/")[0]
        my_host, my_port = hostport.split(":")
        my_client = ["mariadb", "--skip-ssl", "-h", my_host, "-P", my_port, "-u", my_user, f"-p{my_pass}"]

        def fresh(kind, name):
            created.add((kind, name))
            if kind == "pg":
                run(["psql", pg, "-qc", f"DROP DATABASE IF EXISTS {name}", "-qc", f"CREATE DATABASE {name}"])
                return f"{base(pg)}/{name}"
            run(my_client + ["-e", f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"])
            return f"{base(my)}/{name}?ssl-mode=DISABLED"

        def flushes(kind):
            if kind == "pg":
                q = ["psql", pg, "-Atc", "SELECT wal_sync FROM pg_stat_wal"]
                # A PostgreSQL backend reports its counters when it exits: give it a moment.
                time.sleep(0.5)
                return int(subprocess.run(q, check=True, capture_output=True, text=True).stdout)
            return int(my_sql("SHOW GLOBAL STATUS LIKE 'Innodb_data_fsyncs'")[-1])

        def my_sql(sql):
            return subprocess.run(my_client + ["-N", "-e", sql], check=True, capture_output=True,
                                  text=True).stdout.split()

        def settle(kind):
            if kind == "pg":
                run(["psql", pg, "-qc", "CHECKPOINT"])
                return
            pct = my_sql("SELECT @@innodb_max_dirty_pages_pct")[0]
            my_sql("SET GLOBAL innodb_max_dirty_pages_pct = 0")
            try:
                for _ in range(120):
                    if int(my_sql("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")[-1]) < 50:
                        break
                    time.sleep(0.25)
            finally:
                my_sql(f"SET GLOBAL innodb_max_dirty_pages_pct = {pct}")

        def floor(kind, url, name):
            if kind == "pg":
                return timed(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-f", script])
            with open(script) as f:
                return timed(my_client + [name], stdin=f)

        for kind, label in (("pg", "PostgreSQL"), ("my", "MariaDB")):
            fl, mg, bare, peer = [], [], [], []
            syncs = {"floor": [], "migra": [], "bare": [], "sqlx": []}
            order = ("floor", "migra", "bare") + (("sqlx",) if sqlx else ())
            for r in range(rounds):
                for who in (order if r % 2 == 0 else tuple(reversed(order))):
                    name = f"migra_bench_{who}"
                    url = fresh(kind, name)
                    settle(kind)
                    before = flushes(kind)
                    if who == "floor":
                        fl.append(floor(kind, url, name))
                    elif who == "sqlx":
                        peer.append(timed([sqlx, "migrate", "run", "--source", os.path.join(work, "w", "sqlx"),
                                           "--database-url", url]))
                    elif who == "migra":
                        mg.append(timed([migra, "apply", "--dir", mdir, "-d", url]))
                    else:
                        bare.append(timed([migra, "apply", "--no-validate", "--dir", mdir, "-d", url]))
                    syncs[who].append((flushes(kind) - before) / len(files))
            f, m, b = statistics.median(fl), statistics.median(mg), statistics.median(bare)
            client = "psql" if kind == "pg" else "mariadb"
            print(f"(b) {label}: apply 1000, {rounds} rounds, medians: {client} floor {f:.3f} s, migra {m:.3f} s (ratio {m / f:.3f}; validation included), migra --no-validate {b:.3f} s (ratio {b / f:.3f})")
            # Each round's own ratio cancels the slow drift of fsync latency between rounds.
            pm = statistics.median(x / y for x, y in zip(mg, fl))
            pb = statistics.median(x / y for x, y in zip(bare, fl))
            print(f"    median of per-round ratios: migra {pm:.3f}, migra --no-validate {pb:.3f}")
            sf, sm, sb = (statistics.median(syncs[w]) for w in ("floor", "migra", "bare"))
            print(f"    disk flushes per migration (median): {client} {sf:.2f}, migra {sm:.2f}, migra --no-validate {sb:.2f}")
            if sqlx:
                pp = statistics.median(x / y for x, y in zip(peer, fl))
                print(f"    sqlx-cli: median {statistics.median(peer):.3f} s, per-round ratio {pp:.3f}, "
                      f"disk flushes per migration {statistics.median(syncs['sqlx']):.2f}")
            url = fresh(kind, "migra_bench_noop")
            run([migra, "apply", "--dir", mdir, "-d", url])
            peer_url = None
            if sqlx:
                peer_url = fresh(kind, "migra_bench_noop_sqlx")
                run([sqlx, "migrate", "run", "--source", os.path.join(work, "w", "sqlx"), "--database-url", peer_url])
            url, peer_url = url.split("?")[0], peer_url and peer_url.split("?")[0]
            if kind == "pg":
                variants = [("?sslmode=disable", " without TLS"), ("?sslmode=require", " with TLS")]
            else:
                variants = [("?ssl-mode=DISABLED", " without TLS"), ("?ssl-mode=REQUIRED", " with TLS")]
            for suffix, note in variants:
                ts = [timed([migra, "status", "--dir", mdir, "-d", url + suffix]) for _ in range(21)]
                print(f"(a) {label}: `migra status`{note}, 1000 applied: median {statistics.median(ts) * 1000:.1f} ms, min {min(ts) * 1000:.1f} ms")
                if peer_url:
                    # The peer's startup check is a `migrate run` that finds nothing to do.
                    ts = [timed([sqlx, "migrate", "run", "--source", os.path.join(work, "w", "sqlx"),
                                 "--database-url", peer_url + suffix]) for _ in range(21)]
                    print(f"    sqlx-cli `migrate run` with nothing pending{note}: median {statistics.median(ts) * 1000:.1f} ms, min {min(ts) * 1000:.1f} ms")
    finally:
        # Each bench database holds 1,000 tables: left behind, they slow the next runs.
        for kind, name in sorted(created):
            try:
                if kind == "pg":
                    run(["psql", pg, "-qc", f"DROP DATABASE IF EXISTS {name}"])
                else:
                    run(my_client + ["-e", f"DROP DATABASE IF EXISTS {name}"])
            except subprocess.CalledProcessError:
                print(f"warning: could not drop the bench database {name}", file=sys.stderr)
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
