#!/usr/bin/env bash
# The load test through a load balancer, as docs/performance.md reports it: two `hairyo serve`
# on this machine over the database DB (the app role's URL), HAProxy in front, and
# `hairyo loadtest` with CLIENTS simulated staff for SECONDS, pausing about THINK_MS between
# requests, spread over TOWNS municipalities (a prefecture `hairyo bench --towns N --keep`
# built; 1 for a city's database made with `hairyo demo`). Prints the loadtest's JSON report.
# Needs haproxy (Debian's package) and the demo staff's password in HAIRYO_PASSWORD.
set -euo pipefail
hairyo="${HAIRYO_BIN:-hairyo}"
db="$1"; towns="${2:-1}"; seconds="${3:-30}"; think="${4:-1000}"; clients="${5:-50}"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
p1=$(port); p2=$(port); lb=$(port)
dir=$(mktemp -d)
pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap stop EXIT
"$hairyo" --db "$db" serve --listen "127.0.0.1:$p1" --behind-proxy >"$dir/a.log" 2>&1 & pids+=($!)
"$hairyo" --db "$db" serve --listen "127.0.0.1:$p2" --behind-proxy >"$dir/b.log" 2>&1 & pids+=($!)
cat >"$dir/lb.cfg" <<CFG
global
    maxconn 4000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    option http-no-delay
frontend desks
    bind 127.0.0.1:$lb
    option forwardfor
    default_backend hairyo
backend hairyo
    balance roundrobin
    option httpchk GET /health
    server a 127.0.0.1:$p1 check inter 2s
    server b 127.0.0.1:$p2 check inter 2s
CFG
for p in "$p1" "$p2"; do
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$p/health" >/dev/null 2>&1 && break; sleep 0.1; done
done
haproxy -db -f "$dir/lb.cfg" >"$dir/haproxy.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$lb/health" >/dev/null 2>&1 && break; sleep 0.1; done
"$hairyo" --json loadtest --server "http://127.0.0.1:$lb" --clients "$clients" --seconds "$seconds" --think-ms "$think" --towns "$towns"
