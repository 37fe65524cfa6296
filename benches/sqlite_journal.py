#!/usr/bin/env python3
"""What migra's history rows cost on SQLite, per journal mode, measured with the sqlite3 shell.

Applies the 1,000 benchmark migrations (one transaction each) with the `sqlite3` CLI:
  files       the bare files (the floor of benches/compare.py)
  +history    the same, plus in each transaction the state row and log row migra wrote for that
              migration (taken from a real `migra apply`), in SQLite's default DELETE mode
  +persist    the same rows, the shell's connection in PERSIST mode (what migra uses while it
              holds its lock; see crates/migra-dialects/src/sqlite/journal.rs)
  +truncate   the same rows in TRUNCATE mode
and `migra apply` itself, alternating every round; prints medians and the median of each
round's ratio to the floor. It separates the price of the bookkeeping from the tool's own.

usage: benches/sqlite_journal.py [ROUNDS=5]   (needs sqlite3 and a release build of migra; idle machine)
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_migrations.py")
MIGRA = os.path.join(ROOT, "target", "release", "migra")


def rows(db, sql, table):
    """Each row of `sql` as an INSERT statement into `table` (the shell's own quoting)."""
    out = subprocess.run(["sqlite3", db, ".mode insert " + table, sql], check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.startswith("INSERT")]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="migra-journal-")
    try:
        subprocess.run([sys.executable, GEN, os.path.join(work, "w"), "1000"], check=True, stdout=subprocess.DEVNULL)
        raw, mdir = os.path.join(work, "w", "raw"), os.path.join(work, "w", "migra")
        files = [open(os.path.join(raw, f)).read() for f in sorted(os.listdir(raw))]
        ref = os.path.join(work, "ref.db")
        subprocess.run([MIGRA, "apply", "--no-validate", "--dir", mdir, "-d", "sqlite://" + ref], check=True, stdout=subprocess.DEVNULL)
        schema = subprocess.run(["sqlite3", ref, ".schema migra_history"], check=True, capture_output=True, text=True).stdout
        schema += subprocess.run(["sqlite3", ref, ".schema migra_history_log"], check=True, capture_output=True, text=True).stdout
        state = rows(ref, "SELECT * FROM migra_history ORDER BY sort_key", "migra_history")
        log = rows(ref, "SELECT * FROM migra_history_log ORDER BY id", "migra_history_log")
        if not (len(state) == len(log) == len(files)):
            sys.exit(f"expected {len(files)} state and log rows, read {len(state)} and {len(log)}")
        scripts = {"files": "".join(f"BEGIN;\n{f}COMMIT;\n" for f in files)}
        booked = schema + "".join(f"BEGIN;\n{f}{s}\n{l}\nCOMMIT;\n" for f, s, l in zip(files, state, log))
        scripts["+history"] = booked
        scripts["+persist"] = "PRAGMA journal_mode=PERSIST;\n" + booked
        scripts["+truncate"] = "PRAGMA journal_mode=TRUNCATE;\n" + booked
        kinds = [*scripts, "migra"]
        times = {k: [] for k in kinds}
        for r in range(rounds):
            for k in kinds if r % 2 == 0 else kinds[::-1]:
                db = os.path.join(work, f"run-{r}.db")
                t = time.perf_counter()
                if k == "migra":
                    subprocess.run([MIGRA, "apply", "--dir", mdir, "-d", "sqlite://" + db], check=True, stdout=subprocess.DEVNULL)
                else:
                    subprocess.run(["sqlite3", db], input=scripts[k].encode(), check=True, stdout=subprocess.DEVNULL)
                times[k].append(time.perf_counter() - t)
                for suffix in ("", "-journal"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
        print(f"apply 1000 on SQLite with the sqlite3 shell, {rounds} rounds (median; median of per-round ratios to the files):")
        for k in kinds:
            ratio = statistics.median(x / f for x, f in zip(times[k], times["files"]))
            print(f"    {k:10} {statistics.median(times[k]):.3f} s   {ratio:.3f}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
