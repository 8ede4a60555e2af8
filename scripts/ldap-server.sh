#!/usr/bin/env bash
# A throwaway OpenLDAP server (Debian's slapd) shaped as a city's Active Directory, for the
# tests: `start DIR` makes a throwaway CA and the server's certificate for 127.0.0.1, loads
# tests/fixtures/ldap/city.ldif (staff, groups, a service account) under DC=city,DC=example,
# listens on loopback with LDAPS and with LDAP+StartTLS on two free ports, and prints
# "LDAPS_URL LDAP_URL". DIR then holds tls/ca.crt, svc.pass (the service account's password)
# and root.pass (the directory manager's, CN=admin,DC=city,DC=example, for tests that change
# an account). `stop DIR` stops it and removes DIR. Nothing outside DIR is touched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"
dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
SLAPD="${SLAPD:-/usr/sbin/slapd}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

case "$cmd" in
  start)
    [[ -x "$SLAPD" ]] || { echo "ldap-server: $SLAPD not found (apt-get install slapd ldap-utils)" >&2; exit 1; }
    mkdir -p "$dir/db" "$dir/tls"
    dir="$(cd "$dir" && pwd)"
    tls="$dir/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Hairyo test directory CA" \
      -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/san.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
      -extfile "$tls/san.ext" -out "$tls/server.crt" >/dev/null 2>&1
    chmod 0644 "$tls/ca.crt" "$tls/server.crt"
    chmod 0600 "$tls/server.key" "$tls/ca.key"
    printf 'svc-Secret-2026\n' >"$dir/svc.pass"
    printf 'root-Secret-2026' >"$dir/root.pass"
    chmod 0600 "$dir/svc.pass" "$dir/root.pass"
    cat >"$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $ROOT/tests/fixtures/ldap/ad-like.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile $tls/ca.crt
TLSCertificateFile $tls/server.crt
TLSCertificateKeyFile $tls/server.key
database mdb
maxsize 10485760
suffix "DC=city,DC=example"
rootdn "CN=admin,DC=city,DC=example"
rootpw root-Secret-2026
directory $dir/db
# As Active Directory: a password only ever binds; staff and services read the directory,
# nobody anonymous does.
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
CONF
    "${SLAPD%slapd}slapadd" -f "$dir/slapd.conf" -l "$ROOT/tests/fixtures/ldap/city.ldif" >"$dir/slapadd.log" 2>&1 \
      || { cat "$dir/slapadd.log" >&2; exit 1; }
    ldaps_port="$(free_port)"
    ldap_port="$(free_port)"
    "$SLAPD" -f "$dir/slapd.conf" -h "ldaps://127.0.0.1:$ldaps_port/ ldap://127.0.0.1:$ldap_port/" >"$dir/slapd.log" 2>&1 \
      || { cat "$dir/slapd.log" >&2; exit 1; }
    # slapd forks; wait until it answers.
    for _ in $(seq 1 100); do
      if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(0 if s.connect_ex(('127.0.0.1', $ldap_port)) == 0 else 1)"; then
        echo "ldaps://127.0.0.1:$ldaps_port ldap://127.0.0.1:$ldap_port"
        exit 0
      fi
      sleep 0.1
    done
    echo "ldap-server: slapd did not start" >&2
    cat "$dir/slapd.log" >&2 || true
    exit 1
    ;;
  stop)
    if [[ -f "$dir/slapd.pid" ]]; then
      # slapd removes its pid file as it stops: the pid is read once.
      pid="$(cat "$dir/slapd.pid")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
