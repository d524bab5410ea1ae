#!/usr/bin/env bash
# Runs every Tandem test against SQLite and a real PostgreSQL (and Chromium for browser tests, Redis for the
# live-tracking backplane). Installs what is missing when run as root (apt), starts PostgreSQL and Redis on free
# loopback ports,
# runs each test project, stops what it started, and ends with one line of totals:
#   N passed, N failed, N skipped
# Exits non-zero on any failure. Set TANDEM_SKIP_FORMAT=1 to skip the formatting check.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
log() { printf '\n== %s\n' "$*"; }

need_browser=false
[ -d tests/Tandem.Browser.Tests ] && need_browser=true

# --- 1. What the tests need -------------------------------------------------------------
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
missing=()
[ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
$need_browser && { [ -x /usr/bin/chromium ] || missing+=(chromium); }
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null || { echo "apt-get install ${missing[*]} failed"; exit 1; }
  else
    echo "Missing ${missing[*]}: run ./test.sh as root once, or install them with apt." >&2
    exit 1
  fi
fi

# --- 2. PostgreSQL on a free loopback port ------------------------------------------------
PGBIN=$(pg_bin)
PGDATA=$(mktemp -d /tmp/tandem-pg.XXXXXX)
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"
stop_pg() { as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -m immediate stop" >/dev/null 2>&1; rm -rf "$PGDATA"; }
trap stop_pg EXIT
log "starting PostgreSQL on 127.0.0.1:$PGPORT"
as_pg "'$PGBIN/initdb' -D '$PGDATA' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null || { echo "initdb failed"; exit 1; }
as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -l '$PGDATA/server.log' -w -o \"-p $PGPORT -k '$PGDATA' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off\" start" >/dev/null \
  || { echo "PostgreSQL did not start:"; cat "$PGDATA/server.log"; exit 1; }
export TANDEM_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"

# --- 2b. Redis on a free loopback port (the SignalR backplane for the two-host tracking test) ----
REDISDIR=$(mktemp -d /tmp/tandem-redis.XXXXXX)
REDISPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 56379)
stop_redis() { [ -f "$REDISDIR/redis.pid" ] && kill "$(cat "$REDISDIR/redis.pid")" 2>/dev/null; rm -rf "$REDISDIR"; }
trap 'stop_pg; stop_redis' EXIT
log "starting Redis on 127.0.0.1:$REDISPORT"
redis-server --port "$REDISPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$REDISDIR" --pidfile "$REDISDIR/redis.pid" --logfile "$REDISDIR/redis.log" >/dev/null \
  || { echo "Redis did not start"; exit 1; }
for _ in $(seq 1 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 || { echo "Redis did not answer:"; cat "$REDISDIR/redis.log"; exit 1; }
export TANDEM_TEST_REDIS="127.0.0.1:$REDISPORT"

# --- 3. Build, format, test -----------------------------------------------------------------
log "building"
dotnet build Tandem.slnx -c Release -nologo -v q -clp:ErrorsOnly --tl:off || { echo "0 passed, 1 failed"; exit 1; }

failed_checks=0
if [ "${TANDEM_SKIP_FORMAT:-0}" != "1" ]; then
  log "checking formatting (dotnet format --verify-no-changes)"
  dotnet format Tandem.slnx --verify-no-changes --no-restore -v q || { echo "formatting check failed: run 'dotnet format Tandem.slnx'"; failed_checks=1; }
fi

passed=0; failed=0; skipped=0; status=0
failures=$(mktemp)
for project in tests/*/; do
  name=$(basename "$project")
  [ -f "$project/$name.csproj" ] || continue
  log "running $name"
  out=$(mktemp)
  dotnet run --project "$project" -c Release --no-build 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line=$(grep -aE 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$out" | tail -1 | sed 's/\x1b\[[0-9;]*m//g')
  if [ -z "$line" ]; then
    echo "$name printed no totals (exit $rc)"; failed=$((failed + 1)); status=1
  else
    t=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$line"); e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
    f=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$line"); s=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + t - f - s)); failed=$((failed + f + e)); skipped=$((skipped + s))
  fi
  [ "$rc" -eq 0 ] || status=1
  # Each failed test's name and the first lines of its message, for the summary at the end.
  sed 's/\x1b\[[0-9;]*m//g' "$out" | awk '/\[FAIL\]/ { n = 12 } n > 0 && !/^ +at / { print; n-- }' >>"$failures"
  rm -f "$out"
done

failed=$((failed + failed_checks))
[ "$failed" -gt 0 ] && status=1
if [ -s "$failures" ]; then
  log "failed tests"
  cat "$failures"
fi
rm -f "$failures"
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
