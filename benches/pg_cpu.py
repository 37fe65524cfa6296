#!/usr/bin/env python3
"""`migra apply` of 1,000 small migrations on PostgreSQL next to `psql`, counting CPU as well as
wall time: the server's (every backend and helper process of the cluster, read from /proc) and
the client's. On this shared virtual machine wall time drifts by 2x between runs (fsync latency,
CPU steal); CPU seconds drift far less, and say what each side asks of the server.

Point it at a cluster on tmpfs to take fsync out altogether, e.g.:
    mkdir /dev/shm/pg && chown postgres /dev/shm/pg
    su postgres -c "/usr/lib/postgresql/15/bin/initdb -D /dev/shm/pg -A trust -U postgres"
    su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D /dev/shm/pg -o '-p 5433 -k /tmp' -l /dev/shm/pg.log start"
    PG_URL=postgres://postgres@127.0.0.1:5433/postgres PG_PIDFILE=/dev/shm/pg/postmaster.pid \
        python3 benches/pg_cpu.py 7 target/release/migra [other migra binaries to compare...]

usage: benches/pg_cpu.py ROUNDS MIGRA [MIGRA...]
PG_URL: an admin database URL (default $MIGRA_TEST_PG_URL); PG_PIDFILE: the cluster's
postmaster.pid (default /var/run/postgresql/15-main.pid). Each round, in alternating order, gives
each side a fresh database holding migra's history and the first migration (so both sides apply
the same 999 files); `psql` runs them one transaction per file, in one session.
"""
import os, resource, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_migrations.py")
TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(pidfile):
    """CPU seconds of the postmaster's children, live and exited (its cutime/cstime)."""
    pm = int(open(pidfile).read().split()[0])
    total = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            st = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        f = st[st.rindex(")") + 2:].split()
        if int(p) == pm:
            total += sum(int(x) for x in f[11:15])
        elif int(f[1]) == pm:
            total += int(f[11]) + int(f[12])
    return total / TICK


def client_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    rounds, bins = int(sys.argv[1]), sys.argv[2:]
    admin = os.environ.get("PG_URL") or os.environ["MIGRA_TEST_PG_URL"]
    pidfile = os.environ.get("PG_PIDFILE", "/var/run/postgresql/15-main.pid")
    base = admin.rsplit("/", 1)[0]
    work = tempfile.mkdtemp(prefix="migra-pgcpu-")
    subprocess.run([sys.executable, GEN, work, "1000"], check=True, stdout=subprocess.DEVNULL)
    mdir = os.path.join(work, "migra")
    first = sorted(os.listdir(mdir))[0].split("_")
    first = f"{first[0]}_{first[1]}"
    raw = sorted(os.listdir(os.path.join(work, "raw")))[1:]
    script = os.path.join(work, "floor.sql")
    with open(script, "w") as f:
        f.write("".join("BEGIN;\n" + open(os.path.join(work, "raw", x)).read() + "COMMIT;\n" for x in raw))

    def psql(sql):
        subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)

    sides = ["psql"] + bins
    got = {s: ([], [], []) for s in sides}
    try:
        for r in range(rounds):
            for side in sides if r % 2 == 0 else sides[::-1]:
                psql("DROP DATABASE IF EXISTS migra_pgcpu")
                psql("CREATE DATABASE migra_pgcpu")
                url = f"{base}/migra_pgcpu"
                subprocess.run([bins[0], "apply", "--no-validate", "--dir", mdir, "-d", url, "--to", first],
                               check=True, capture_output=True)
                psql("CHECKPOINT")
                s0, c0, t0 = server_cpu(pidfile), client_cpu(), time.perf_counter()
                if side == "psql":
                    cmd = ["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-f", script]
                else:
                    cmd = [side, "apply", "--no-validate", "--dir", mdir, "-d", url]
                subprocess.run(cmd, check=True, capture_output=True)
                wall, client = time.perf_counter() - t0, client_cpu() - c0
                time.sleep(0.3)  # an exited backend's time reaches the postmaster's cutime
                got[side][0].append(wall)
                got[side][1].append(server_cpu(pidfile) - s0)
                got[side][2].append(client)
    finally:
        psql("DROP DATABASE IF EXISTS migra_pgcpu")
    med = statistics.median
    for side in sides:
        wall, server, client = got[side]
        ratio = med(a / b for a, b in zip(wall, got["psql"][0]))
        print(f"{side:28} wall {med(wall):.3f} s (per-round ratio {ratio:.3f})  "
              f"server CPU {med(server):.2f} s  client CPU {med(client):.2f} s")


if __name__ == "__main__":
    main()
