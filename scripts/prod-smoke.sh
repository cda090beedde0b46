#!/usr/bin/env bash
# The production path, as the Dockerfile runs it (CI has no container
# runtime, so it runs the same steps here and the two cannot drift):
#   build stage:   npm ci (all dependencies), npm run build
#   runtime stage: package files + patches, npm ci --omit=dev, the build copied in,
#                  NODE_ENV=production node build/server.js against PostgreSQL.
# Then: /healthz, /readyz, log in, cast a vote (the ballot box), check the
# ballot is stored, ask for a backup (SIGUSR2: pg_dump into BACKUP_DIR) and
# check pg_restore reads it, and stop the server with SIGTERM (it must exit 0).
# Needs PostgreSQL at $SMOKE_PG (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
pg=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}
port=${SMOKE_PORT:-3917}
db="prod_smoke_$(date +%s)_$$"
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
step() { printf '\n== prod-smoke: %s\n' "$*"; }

# SMOKE_BUILD_DIR: a clone that has already run the build stage's npm ci (CI's own checkout), built here.
if [ -n "${SMOKE_BUILD_DIR:-}" ]; then
  step "build stage (reusing the npm ci of $SMOKE_BUILD_DIR; npm run build)"
  ln -s "$(cd "$SMOKE_BUILD_DIR" && pwd)" "$tmp/build"
  (cd "$tmp/build" && npm run build >/dev/null)
else
  step "build stage (all dependencies, npm run build)"
  git clone -q "$src" "$tmp/build"
  (cd "$tmp/build" && npm ci --no-audit --no-fund --loglevel=error && npm run build >/dev/null)
fi

step "runtime stage (npm ci --omit=dev, the build copied in)"
mkdir -p "$tmp/app/scripts"
cp "$tmp/build/package.json" "$tmp/build/package-lock.json" "$tmp/app/"
cp -r "$tmp/build/scripts/patches" "$tmp/app/scripts/patches"
(cd "$tmp/app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
cp -r "$tmp/build/build" "$tmp/app/build"
cp -r "$tmp/build/public" "$tmp/app/public"
if [ -d "$tmp/app/node_modules/vitest" ] || [ -d "$tmp/app/node_modules/@remix-run/dev" ]; then
  echo "dev dependencies were installed in the runtime stage" >&2; exit 1
fi

step "start NODE_ENV=production node build/server.js on a fresh PostgreSQL database"
psql -q "$pg/postgres" -c "CREATE DATABASE $db" >/dev/null
url="$pg/$db"
(cd "$tmp/app" && NODE_ENV=production DATABASE_URL="$url" BACKUP_DIR="$tmp/backups" HOST=127.0.0.1 PORT=$port SECURE_COOKIES=false LOG_LEVEL=info \
  exec node build/server.js >"$tmp/server.log" 2>&1) &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 60); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$base/healthz"; echo
curl -fsS "$base/readyz"; echo

step "log in and cast a vote"
seed=$(cd "$tmp/build" && DATABASE_URL="$url" node_modules/.bin/tsx scripts/prod-smoke-seed.ts)
field() { node -e "process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))" "$seed" "$1"; }
email=$(field email); password=$(field password); motion=$(field motionId)
jar="$tmp/cookies"
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -H "Origin: $base" \
  --data-urlencode "email=$email" --data-urlencode "password=$password" --data-urlencode "redirectTo=/dashboard" "$base/login")
[ "$status" = 302 ] || { echo "log-in answered $status" >&2; cat "$tmp/server.log" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/dashboard")
[ "$status" = 200 ] || { echo "dashboard answered $status" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -H "Origin: $base" --data "choice=for" "$base/motions/$motion")
[ "$status" = 302 ] || { echo "the vote answered $status" >&2; cat "$tmp/server.log" >&2; exit 1; }
ballots=$(cd "$tmp/build" && DATABASE_URL="$url" node_modules/.bin/tsx scripts/prod-smoke-seed.ts count "$motion")
[ "$ballots" = 1 ] || { echo "expected 1 ballot, found $ballots" >&2; exit 1; }
echo "logged in, voted; the motion holds $ballots ballot"

step "a backup on SIGUSR2 (pg_dump's custom format into BACKUP_DIR)"
kill -USR2 "$server_pid"
for _ in $(seq 60); do grep -q '"msg":"backup"' "$tmp/server.log" && break; sleep 0.5; done
grep -q '"level":30.*"msg":"backup"' "$tmp/server.log" || { echo "no backup logged after SIGUSR2" >&2; cat "$tmp/server.log" >&2; exit 1; }
backup=$(ls "$tmp/backups"/coop-*.dump 2>/dev/null | head -1)
[ -n "$backup" ] || { echo "no backup in BACKUP_DIR after SIGUSR2" >&2; exit 1; }
# The listing is read whole first: `grep -q` stopping early would end pg_restore with SIGPIPE, which pipefail reports as a failure.
listing=$(pg_restore --list "$backup")
grep -q "TABLE DATA public ballots" <<<"$listing" || { echo "the backup holds no ballots table" >&2; exit 1; }
echo "backup: $(basename "$backup")"

step "SIGTERM"
kill -TERM "$server_pid"
code=0; wait "$server_pid" || code=$?
server_pid=""
[ "$code" = 0 ] || { echo "the server exited $code on SIGTERM" >&2; cat "$tmp/server.log" >&2; exit 1; }
# The request log is JSON lines; the vote is one of them.
grep -q '"route":"/motions/:motionId","status":302' "$tmp/server.log" || { echo "no request line for the vote" >&2; cat "$tmp/server.log" >&2; exit 1; }
echo "prod-smoke: passed"
