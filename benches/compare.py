#!/usr/bin/env python3
"""Whole-process benchmarks of the `migra` binary against the sqlite3 floor.

(b) apply 1,000 small migrations (a 5-column table + an index each, one transaction each) to a
    fresh SQLite file: `migra apply` vs the sqlite3 CLI applying the same files, one transaction
    each, alternating the two every round.
(a) the startup check as a whole process: `migra status` and `migra apply` with 1,000 applied
    and nothing pending.

usage: benches/compare.py [ROUNDS=7]   (builds `migra` in release mode first; run on an idle machine)
MIGRA_BENCH_DB_DIR=/dev/shm puts the (b) databases on tmpfs: fsync then costs nothing, and what
is left is each side's CPU and thread hand-offs, which drift far less than a virtual disk.
Workload: ../shared/bench/gen_migrations.py (the same files other tools were measured with).
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_migrations.py")


def timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    migra = os.path.join(ROOT, "target", "release", "migra")
    work = tempfile.mkdtemp(prefix="migra-bench-")
    try:
        subprocess.run([sys.executable, GEN, os.path.join(work, "w"), "1000"], check=True, stdout=subprocess.DEVNULL)
        raw = os.path.join(work, "w", "raw")
        db_dir = os.environ.get("MIGRA_BENCH_DB_DIR") or work
        script = "".join("BEGIN;\n" + open(os.path.join(raw, f)).read() + "COMMIT;\n" for f in sorted(os.listdir(raw)))
        mdir = os.path.join(work, "w", "migra")
        floor, ours, bare = [], [], []
        for r in range(rounds):
            for kind in ("floor", "migra", "bare") if r % 2 == 0 else ("bare", "migra", "floor"):
                db = os.path.join(db_dir, f"migra-bench-{os.getpid()}-{kind}-{r}.db")
                if kind == "floor":
                    floor.append(timed(["sqlite3", db], input=script.encode()))
                elif kind == "migra":
                    ours.append(timed([migra, "apply", "--dir", mdir, "-d", "sqlite://" + db]))
                else:
                    bare.append(timed([migra, "apply", "--no-validate", "--dir", mdir, "-d", "sqlite://" + db]))
                os.remove(db)
        fm, om, bm = statistics.median(floor), statistics.median(ours), statistics.median(bare)
        # Each round's own ratio cancels the slow drift of fsync latency between rounds.
        po = statistics.median(o / f for o, f in zip(ours, floor))
        pb = statistics.median(b / f for b, f in zip(bare, floor))
        print(f"(b) apply 1000 on SQLite, {rounds} rounds, medians: sqlite3 floor {fm:.3f} s, migra {om:.3f} s (ratio {om / fm:.3f}; validation included), migra --no-validate {bm:.3f} s (ratio {bm / fm:.3f})")
        print(f"    median of per-round ratios: migra {po:.3f}, migra --no-validate {pb:.3f}")
        # Disk flushes, counted once per side when strace is there: deterministic, unlike time.
        if shutil.which("strace"):
            counts = {}
            for kind in ("floor", "migra"):
                db = os.path.join(work, f"count-{kind}.db")
                trace = os.path.join(work, f"count-{kind}.txt")
                cmd = ["sqlite3", db] if kind == "floor" else [migra, "apply", "--no-validate", "--dir", mdir, "-d", "sqlite://" + db]
                subprocess.run(["strace", "-f", "-c", "-o", trace, "-e", "trace=fsync,fdatasync", *cmd], check=True,
                               stdout=subprocess.DEVNULL, input=script.encode() if kind == "floor" else None)
                counts[kind] = sum(int(line.split()[3]) for line in open(trace) if line.split()[-1:] in (["fsync"], ["fdatasync"]))
                os.remove(db)
            print(f"    disk flushes (fsync + fdatasync) for the 1000: sqlite3 {counts['floor']}, migra {counts['migra']}")
        db = os.path.join(work, "applied.db")
        subprocess.run([migra, "apply", "--dir", mdir, "-d", "sqlite://" + db], check=True, stdout=subprocess.DEVNULL)
        # The first run after the apply reads the database (SQLite parses its whole schema) and
        # remembers the history digest under the file's stamp; the runs after it answer from that.
        first = timed([migra, "status", "--dir", mdir, "-d", "sqlite://" + db])
        print(f"(a) `migra status` first run after the apply (reads the database): {first * 1000:.1f} ms")
        for args in (["status"], ["apply"]):
            ts = [timed([migra, *args, "--dir", mdir, "-d", "sqlite://" + db]) for _ in range(max(rounds, 20))]
            print(f"(a) `migra {args[0]}` with 1000 applied, nothing pending, whole process: median {statistics.median(ts) * 1000:.1f} ms, min {min(ts) * 1000:.1f} ms")
        env = dict(os.environ, MIGRA_NO_CACHE="1")
        ts = [timed([migra, "status", "--dir", mdir, "-d", "sqlite://" + db], env=env) for _ in range(max(rounds, 20))]
        print(f"(a) `migra status` with MIGRA_NO_CACHE=1 (every file and the database read): median {statistics.median(ts) * 1000:.1f} ms, min {min(ts) * 1000:.1f} ms")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
