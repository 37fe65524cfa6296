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

mariadb_start() {
  if [ ! -x /usr/sbin/mariadbd ]; then
    echo "== installing MariaDB"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server >/dev/null
  fi
  mariadb_tls_files
  # A server started without the TLS configuration (before it was written) is restarted once.
  if mariadb-admin ping --silent >/dev/null 2>&1 \
     && [ "$(mariadb -uroot -Nse 'SELECT @@have_ssl' 2>/dev/null)" != "YES" ]; then
    echo "== restarting MariaDB to enable TLS"
    mariadb-admin -uroot shutdown
    for _ in $(seq 1 60); do mariadb-admin ping --silent >/dev/null 2>&1 || break; sleep 0.5; done
  fi
  if ! mariadb-admin ping --silent >/dev/null 2>&1; then
    echo "== starting MariaDB"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  fi
  for _ in $(seq 1 60); do mariadb-admin ping --silent >/dev/null 2>&1 && break; sleep 0.5; done
  mariadb-admin ping --silent >/dev/null 2>&1 || { echo "error: MariaDB did not come up" >&2; return 1; }
  # root authenticates by unix socket on Debian; tests use their own user over TCP.
  mariadb -uroot -e "CREATE USER IF NOT EXISTS 'migra_test'@'127.0.0.1' IDENTIFIED BY 'migra_test';
                     GRANT ALL PRIVILEGES ON *.* TO 'migra_test'@'127.0.0.1' WITH GRANT OPTION;"
  export MIGRA_TEST_MYSQL_URL="mysql://migra_test:migra_test@127.0.0.1:3306/mysql"
  export MIGRA_TEST_MYSQL_CA="$MIGRA_TLS_DIR/ca.pem"
}

# A test CA and a server certificate it signed (valid for 127.0.0.1 and localhost), made once,
# and the server configuration that uses them: the TLS tests verify the server against this CA.
MIGRA_TLS_DIR=/etc/mysql/migra-tls
mariadb_tls_files() {
  if [ ! -f "$MIGRA_TLS_DIR/server.pem" ]; then
    if ! command -v openssl >/dev/null 2>&1; then
      apt-get update -q >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null
    fi
    mkdir -p "$MIGRA_TLS_DIR"
    (
      cd "$MIGRA_TLS_DIR"
      openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=migra test CA" \
        -keyout ca-key.pem -out ca.pem 2>/dev/null
      openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout server-key.pem -out server.csr 2>/dev/null
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
        -extfile server.ext -out server.pem 2>/dev/null
      rm -f server.csr server.ext ca.srl
    )
    chown -R mysql:mysql "$MIGRA_TLS_DIR"
    chmod 0644 "$MIGRA_TLS_DIR/ca.pem"
  fi
  local cnf=/etc/mysql/mariadb.conf.d/90-migra-tls.cnf
  if [ ! -f "$cnf" ]; then
    printf '[mariadbd]\nssl_ca=%s/ca.pem\nssl_cert=%s/server.pem\nssl_key=%s/server-key.pem\n' \
      "$MIGRA_TLS_DIR" "$MIGRA_TLS_DIR" "$MIGRA_TLS_DIR" > "$cnf"
  fi
}
