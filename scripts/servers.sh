#!/usr/bin/env bash
# Installs (when absent) and starts the database servers the test suite uses, on loopback, and
# creates their test users. Sourced by scripts/test-all; exports the URLs the tests read.
# Needs root for apt-get and for starting the servers (as on these machines and in CI).

pg_start() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "== installing PostgreSQL"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  fi
  local ver port
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  port=$(pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {print $3}')
  port=${port:-5432}
  if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    echo "== starting PostgreSQL $ver on port $port"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  fi
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.5; done
  pg_isready -h 127.0.0.1 -p "$port" >/dev/null || { echo "error: PostgreSQL did not come up on port $port" >&2; return 1; }
  # A superuser with a password: tests create and drop a database each.
  su postgres -c "psql -q -p $port -c \"DO \\\$\\\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'migra_test') THEN
        CREATE ROLE migra_test LOGIN SUPERUSER PASSWORD 'migra_test';
      END IF; END \\\$\\\$\"" >/dev/null
  export MIGRA_TEST_PG_URL="postgres://migra_test:migra_test@127.0.0.1:$port/postgres"
}
