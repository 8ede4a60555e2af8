#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: `start DIR` creates a cluster in DIR (on
# loopback, a free port, trust authentication for the cluster's own superuser `hairyo`, TLS
# with a throwaway CA made here: DIR/tls/ca.crt, for PGSSLROOTCERT) and prints its URL; `stop DIR` stops it and removes DIR. Nothing outside DIR is touched, so it
# never meets a city's real server. initdb refuses to run as root, so as root the cluster runs
# as the `postgres` system user that Debian's packages create.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
cmd="${1:-}"
dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    [[ -x "$PG_BIN/initdb" ]] || { echo "pg-cluster: $PG_BIN/initdb not found (apt-get install postgresql-15)" >&2; exit 1; }
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir"; fi
    # A free port: ask the kernel for one, then hand it to the server.
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # The database's collation and character classes are deliberately not C: Hairyo's search
    # must not depend on them (the search keys are computed by the application).
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U hairyo -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # A throwaway CA and the server's certificate for 127.0.0.1 and localhost, so clients can
    # check both the chain and the name (sslmode=verify-full). The CA's certificate is readable
    # by anyone (the packaged server's own user reads it); the keys only by the server.
    tls="$dir/tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Hairyo test CA" \
      -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/san.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
      -extfile "$tls/san.ext" -out "$tls/server.crt" >/dev/null 2>&1
    chmod 0755 "$dir" "$tls"
    chmod 0644 "$tls/ca.crt" "$tls/server.crt"
    chmod 0600 "$tls/server.key" "$tls/ca.key"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$tls/server.key" "$tls/server.crt"; fi
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c max_connections=200 -c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://hairyo@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then
      as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
