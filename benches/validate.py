#!/usr/bin/env python3
"""Whole-process benchmark: static `migra validate` against squawk on the same inputs.

Inputs: (a) the 285 crates.io migrations of ../shared/corpus (up and down files), (b) the 1,000
generated migrations as one file (`all_up.sql`, ~260 KiB) and as 1,000 separate files, (c) one
~9 MB schema file (`gen_schema.py` with 20,000 tables), and its 900 KB sibling (2,000 tables).
Both tools read the files cold from the page cache and print their findings; the wall-clock median
of ROUNDS runs is reported, with peak RSS. squawk (`pip install squawk-cli`) is skipped when not
installed, and given SQUAWK_TIMEOUT seconds per run (it is quadratic in one file's size: on this
machine about an hour for 9 MB).

usage: benches/validate.py [ROUNDS=5]
Builds `migra` in release mode first.
"""
import glob, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
SQUAWK_TIMEOUT = float(os.environ.get("SQUAWK_TIMEOUT", "120"))


def run(cmd, timeout=None):
    """Wall-clock seconds of cmd (None on timeout) and the peak RSS (MiB) of its own process
    (from wait4, so other children do not count)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = None if timeout is None else t + timeout
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            return time.perf_counter() - t, usage.ru_maxrss / 1024
        if deadline is not None and time.perf_counter() > deadline:
            p.kill()
            p.wait()
            return None, None
        time.sleep(0.002)


def median(cmd, rounds, timeout=None):
    times = []
    rss = 0.0
    for _ in range(rounds):
        t, r = run(cmd, timeout)
        if t is None:
            return None, None
        times.append(t)
        rss = max(rss, r)
    return statistics.median(times), rss


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migra-cli"], cwd=ROOT, check=True)
    migra = os.path.join(ROOT, "target", "release", "migra")
    squawk = shutil.which("squawk")
    work = tempfile.mkdtemp(prefix="migra-validate-bench-")
    gen = lambda script, out, n: subprocess.run(
        [sys.executable, os.path.join(SHARED, "bench", script), out, str(n)], check=True, stdout=subprocess.DEVNULL)
    gen("gen_migrations.py", os.path.join(work, "m"), 1000)
    gen("gen_schema.py", os.path.join(work, "s2k"), 2000)
    gen("gen_schema.py", os.path.join(work, "s20k"), 20000)
    cio = os.path.join(SHARED, "corpus", "crates-io", "migrations")
    cio_files = sorted(glob.glob(os.path.join(cio, "*", "up.sql")) + glob.glob(os.path.join(cio, "*", "down.sql")))
    pg = ["validate", "--dialect", "postgres", "--json"]
    cases = [
        ("(a) crates.io, 285 migrations", [migra, *pg, "--format", "diesel", "--dir", cio], cio_files),
        ("(b) 1,000 migrations, one 260 KiB file", [migra, *pg, os.path.join(work, "m", "all_up.sql")], [os.path.join(work, "m", "all_up.sql")]),
        ("    1,000 migrations, separate files", [migra, *pg, "--dir", os.path.join(work, "m", "migra")], sorted(glob.glob(os.path.join(work, "m", "diesel", "*", "up.sql")))),
        ("    900 KB schema file", [migra, *pg, os.path.join(work, "s2k", "schema_a.sql")], [os.path.join(work, "s2k", "schema_a.sql")]),
        ("(c) 9 MB schema file", [migra, *pg, os.path.join(work, "s20k", "schema_a.sql")], [os.path.join(work, "s20k", "schema_a.sql")]),
    ]
    print(f"{'input':42} {'migra':>10} {'squawk':>12}")
    for name, cmd, files in cases:
        t, rss = median(cmd, rounds)
        line = f"{name:42} {t:9.3f}s"
        if squawk:
            st, _ = median([squawk, *files], rounds if "9 MB" not in name else 1, SQUAWK_TIMEOUT)
            line += f" {st:11.3f}s" if st is not None else f"  >{SQUAWK_TIMEOUT:.0f}s"
        print(f"{line}   (migra peak RSS {rss:.0f} MiB)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
