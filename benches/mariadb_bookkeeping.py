#!/usr/bin/env python3
"""What migra's history commits cost on MariaDB, measured with the `mariadb` client alone.

MariaDB commits every DDL statement implicitly, so migra records progress after each statement
of a migration in a commit of its own (README, History and locking): for the benchmark's
migrations (CREATE TABLE + CREATE INDEX) that is one progress commit and one final commit (state
row, log row and the next migration's start row) per migration. This script applies the 1,000
benchmark migrations with the `mariadb` client in one process:
  files       the bare files (the floor of benches/compare_servers.py)
  +final      the same, plus after each migration one commit of its state row and log row (what a
              tool that records only whole migrations writes)
  +progress   the same, plus the progress commit after the first statement and the next
              migration's start row in the final commit: the statements migra sends, as text
and `migra apply` itself, alternating every round. The rows are the ones a real `migra apply`
wrote (read back from its history tables). It prints medians, the median of each round's ratio to
the floor and the server's disk flushes (`Innodb_data_fsyncs`) per migration, which separates the
price of the bookkeeping from the tool's own.

usage: benches/mariadb_bookkeeping.py [ROUNDS=5]
Needs MIGRA_TEST_MYSQL_URL (see compare_servers.py) and the `mariadb` client; idle machine.
Every connection goes without TLS, as in compare_servers.py's apply runs.
"""
import os, statistics, subprocess, sys, tempfile, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_migrations.py")
MIGRA = os.path.join(ROOT, "target", "release", "migra")
STATE = ["sort_key", "version", "name", "checksum", "checksum_algorithm", "status", "applied_statements",
         "total_statements", "started_at", "finished_at", "duration_ms", "error", "failing_statement",
         "applied_by", "progress_checksum"]
LOG = ["version", "name", "action", "checksum", "at", "duration_ms", "`by`", "error", "failing_statement"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    url = os.environ["MIGRA_TEST_MYSQL_URL"]
    user, rest = url.split("://", 1)[1].split(":", 1)
    password, hostport = rest.split("@", 1)[0], rest.split("@", 1)[1].split("/")[0]
    host, port = hostport.split(":")
    client = ["mariadb", "--skip-ssl", "-h", host, "-P", port, "-u", user, f"-p{password}"]
    base = url.rsplit("/", 1)[0]

    def text(statement, db=""):
        out = subprocess.run(client + ["-N", "-r", "-e", statement] + ([db] if db else []),
                             check=True, capture_output=True, text=True)
        return out.stdout

    def sql(statement, db=""):
        return text(statement, db).splitlines()

    def fresh(name):
        sql(f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}")

    def fsyncs():
        return int(sql("SHOW GLOBAL STATUS LIKE 'Innodb_data_fsyncs'")[0].split()[1])

    def settle():
        # Writes out what earlier runs left dirty, so no run pays for the one before it.
        pct = sql("SELECT @@innodb_max_dirty_pages_pct")[0]
        sql("SET GLOBAL innodb_max_dirty_pages_pct = 0")
        try:
            for _ in range(120):
                if int(sql("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")[0].split()[1]) < 50:
                    break
                time.sleep(0.25)
        finally:
            sql(f"SET GLOBAL innodb_max_dirty_pages_pct = {pct}")

    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="migra-bookkeeping-")
    try:
        subprocess.run([sys.executable, GEN, os.path.join(work, "w"), "1000"], check=True, stdout=subprocess.DEVNULL)
        raw, mdir = os.path.join(work, "w", "raw"), os.path.join(work, "w", "migra")
        files = [open(os.path.join(raw, f)).read() for f in sorted(os.listdir(raw))]
        ref = "migra_bench_ref"
        fresh(ref)
        subprocess.run([MIGRA, "apply", "--no-validate", "--dir", mdir, "-d", f"{base}/{ref}?ssl-mode=DISABLED"], check=True,
                       stdout=subprocess.DEVNULL)
        schema = "".join(text(f"SHOW CREATE TABLE {t}", ref).split("\t", 1)[1].rstrip() + ";\n"
                         for t in ("migra_history", "migra_history_log"))

        def quoted(cols, table, order):
            listed = ", ".join(f"QUOTE({c})" if c != "`by`" else "QUOTE(`by`)" for c in cols)
            return [line.split("\t") for line in
                    sql(f"SELECT {listed} FROM {table} ORDER BY {order}", ref)]

        state, log = quoted(STATE, "migra_history", "sort_key"), quoted(LOG, "migra_history_log", "id")
        if not (len(state) == len(log) == len(files)):
            sys.exit(f"expected {len(files)} state and log rows, read {len(state)} and {len(log)}")
        update = ", ".join(f"{c} = VALUES({c})" for c in STATE)

        def upsert(row, **changed):
            values = [changed.get(c, v) for c, v in zip(STATE, row)]
            return f"INSERT INTO migra_history ({', '.join(STATE)}) VALUES ({', '.join(values)}) ON DUPLICATE KEY UPDATE {update};\n"

        def insert_log(row):
            return f"INSERT INTO migra_history_log ({', '.join(LOG)}) VALUES ({', '.join(row)});\n"

        def start(row):
            return upsert(row, status="'partial'", applied_statements="0", finished_at="NULL")

        checksum = "'" + "0" * 64 + "'"
        scripts = {"files": "".join(f"BEGIN;\n{f}COMMIT;\n" for f in files)}
        final, progress = [schema], [schema, start(state[0])]
        for i, (f, s, l) in enumerate(zip(files, state, log)):
            first, second = f.split(";\n", 1)[0] + ";\n", f.split(";\n", 1)[1]
            final.append(f"{f}START TRANSACTION;\n{upsert(s)}{insert_log(l)}COMMIT;\n")
            nxt = start(state[i + 1]) if i + 1 < len(state) else ""
            progress.append(first + upsert(s, status="'partial'", applied_statements="1", finished_at="NULL",
                                           progress_checksum=checksum)
                            + second + f"START TRANSACTION;\n{upsert(s)}{insert_log(l)}{nxt}COMMIT;\n")
        scripts["+final"], scripts["+progress"] = "".join(final), "".join(progress)
        kinds = [*scripts, "migra"]
        times, flushes = {k: [] for k in kinds}, {k: [] for k in kinds}
        for r in range(rounds):
            for k in kinds if r % 2 == 0 else kinds[::-1]:
                db = "migra_bench_bk"
                fresh(db)
                settle()
                before = fsyncs()
                t = time.perf_counter()
                if k == "migra":
                    subprocess.run([MIGRA, "apply", "--dir", mdir, "-d", f"{base}/{db}?ssl-mode=DISABLED"], check=True,
                                   stdout=subprocess.DEVNULL)
                else:
                    subprocess.run(client + [db], input=scripts[k].encode(), check=True, stdout=subprocess.DEVNULL)
                times[k].append(time.perf_counter() - t)
                flushes[k].append((fsyncs() - before) / len(files))
        floor = times["files"]
        print(f"MariaDB, 1,000 migrations, {rounds} rounds (mariadb client unless named):")
        for k in kinds:
            ratio = statistics.median(x / y for x, y in zip(times[k], floor))
            print(f"  {k:10} median {statistics.median(times[k]):.3f} s, per-round ratio to files {ratio:.3f}, "
                  f"flushes per migration {statistics.median(flushes[k]):.2f}")
    finally:
        for db in ("migra_bench_ref", "migra_bench_bk"):
            try:
                sql(f"DROP DATABASE IF EXISTS {db}")
            except subprocess.CalledProcessError:
                print(f"warning: could not drop the bench database {db}", file=sys.stderr)
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
