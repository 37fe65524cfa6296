#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on loopback for the lock test (scripts/test-all runs it).
#   scripts/galera.sh start   -> installs what is missing, starts 3 nodes on 3311-3313, prints
#                                MIGRA_TEST_GALERA_URLS=...
#   scripts/galera.sh stop
set -euo pipefail
BASE=${MIGRA_GALERA_DIR:-/tmp/migra-galera}
GCOMM="gcomm://127.0.0.1:4511,127.0.0.1:4521,127.0.0.1:4531"

node_cnf() {
  local n=$1 port=$((3310 + $1)) g=$((4501 + 10 * $1))
  cat <<CNF
[mysqld]
datadir=$BASE/n$n
socket=$BASE/n$n.sock
port=$port
bind-address=127.0.0.1
pid-file=$BASE/n$n.pid
log-error=$BASE/n$n.err
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=32M
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=migra_test
wsrep_cluster_address=$GCOMM
wsrep_node_address=127.0.0.1:$g
wsrep_node_name=n$n
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$g;ist.recv_addr=127.0.0.1:$((g + 1))"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((g + 2))
CNF
}

cluster_size() {
  mariadb --socket="$BASE/n$1.sock" -uroot -Nse "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | awk '{print $2}'
}

start() {
  if [ ! -f /usr/lib/galera/libgalera_smm.so ] || ! command -v rsync >/dev/null || [ ! -x /usr/sbin/mariadbd ]; then
    echo "== installing MariaDB Galera" >&2
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server galera-4 rsync >/dev/null
  fi
  stop >/dev/null 2>&1 || true
  rm -rf "$BASE" && mkdir -p "$BASE"
  for n in 1 2 3; do
    node_cnf "$n" > "$BASE/n$n.cnf"
    mariadb-install-db --defaults-file="$BASE/n$n.cnf" --user=mysql --auth-root-authentication-method=socket >/dev/null 2>&1
  done
  chown -R mysql:mysql "$BASE"
  /usr/sbin/mariadbd --defaults-file="$BASE/n1.cnf" --user=mysql --wsrep-new-cluster >/dev/null 2>&1 &
  for _ in $(seq 1 120); do [ "$(cluster_size 1)" = "1" ] && break; sleep 0.5; done
  for n in 2 3; do
    /usr/sbin/mariadbd --defaults-file="$BASE/n$n.cnf" --user=mysql >/dev/null 2>&1 &
  done
  for _ in $(seq 1 240); do [ "$(cluster_size 1)" = "3" ] && break; sleep 0.5; done
  if [ "$(cluster_size 1)" != "3" ]; then
    echo "error: the Galera cluster did not form (see $BASE/n*.err)" >&2
    return 1
  fi
  mariadb --socket="$BASE/n1.sock" -uroot -e "CREATE USER IF NOT EXISTS 'migra_test'@'127.0.0.1' IDENTIFIED BY 'migra_test';
    GRANT ALL PRIVILEGES ON *.* TO 'migra_test'@'127.0.0.1' WITH GRANT OPTION;"
  echo "MIGRA_TEST_GALERA_URLS=mysql://migra_test:migra_test@127.0.0.1:3311/mysql,mysql://migra_test:migra_test@127.0.0.1:3312/mysql,mysql://migra_test:migra_test@127.0.0.1:3313/mysql"
}

stop() {
  for n in 3 2 1; do
    if [ -f "$BASE/n$n.pid" ]; then kill "$(cat "$BASE/n$n.pid")" 2>/dev/null || true; fi
  done
  # A node stopped before it wrote its pid file (a run that failed early) is found by its config.
  pkill -f -- "--defaults-file=$BASE/n" 2>/dev/null || true
  for _ in $(seq 1 60); do pgrep -f "$BASE/n" >/dev/null || break; sleep 0.5; done
  # A node that failed to start can hang on a fatal replication error, deaf to SIGTERM.
  if pgrep -f "$BASE/n" >/dev/null; then
    pkill -9 -f "$BASE/n" 2>/dev/null || true
    sleep 0.5
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
