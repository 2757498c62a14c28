#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for tests, on loopback, in a temporary
# directory, and print its DSN on stdout (progress goes to stderr).
#
#   dsn=$(scripts/pg-test-server.sh start [DIR])  # prints postgres://...
#   scripts/pg-test-server.sh stop DIR             # stops the server, removes DIR
#
# Without DIR, start creates /tmp/cloudward-pgtest.XXXXXX and names it on
# stderr; pass DIR (new or empty) to know where to stop it.
#
# `start` installs Debian's postgresql package when initdb is missing
# (apt-get). The PostgreSQL binaries refuse to run as root, so as root the
# server runs as the "postgres" system user (created by the package).
# Environment: PGTEST_PORT (default: a free port from 55432 up).
set -euo pipefail

log() { echo "pg-test-server: $*" >&2; }

find_bin() {
	local name=$1 d
	if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
	for d in /usr/lib/postgresql/*/bin; do
		if [ -x "$d/$name" ]; then echo "$d/$name"; return; fi
	done
	return 1
}

# as_pg runs a command as the server's user: ourselves, or postgres when root.
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
	if ! find_bin initdb >/dev/null; then
		log "initdb not found: installing postgresql with apt-get"
		if [ "$(id -u)" = 0 ]; then
			DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
		else
			DEBIAN_FRONTEND=noninteractive sudo apt-get update -qq >&2
			DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq postgresql >&2
		fi
	fi
	local initdb pg_ctl dir port
	initdb=$(find_bin initdb)
	pg_ctl=$(find_bin pg_ctl)
	dir=${1:-}
	if [ -z "$dir" ]; then
		dir=$(mktemp -d /tmp/cloudward-pgtest.XXXXXX)
	else
		mkdir -p "$dir"
		[ -z "$(ls -A "$dir")" ] || { log "$dir: not empty"; exit 1; }
	fi
	chmod 755 "$dir"
	if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi

	port=${PGTEST_PORT:-}
	if [ -z "$port" ]; then
		port=55432
		# A port is free when nothing listens on it.
		while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
	fi

	as_pg "$initdb" -D "$dir/data" -U cloudward --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; log "initdb failed"; exit 1; }
	# Tests only: durability off makes fsync-heavy tests fast; the crash
	# tests use SQLite. Loopback only, sockets in the temp dir.
	as_pg "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
		-o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" >&2 ||
		{ cat "$dir/server.log" >&2; log "pg_ctl start failed"; exit 1; }
	log "server in $dir on 127.0.0.1:$port (stop: $0 stop $dir)"
	echo "postgres://cloudward@127.0.0.1:$port/postgres?sslmode=disable"
}

stop() {
	local dir=${1:?usage: $0 stop DIR}
	[ -d "$dir/data" ] || { log "$dir: not a test server directory"; exit 1; }
	as_pg "$(find_bin pg_ctl)" -D "$dir/data" -m immediate -w stop >&2 || true
	rm -rf "$dir"
}

case ${1:-start} in
start) shift; start "$@" ;;
stop) shift; stop "$@" ;;
*) echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
