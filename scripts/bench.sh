#!/usr/bin/env bash
# End-to-end benchmark: builds cloudward, generates a synthetic snapshot
# (100,000 resources by default) and scans it under /usr/bin/time -v,
# printing wall time and peak RSS. Targets (docs/performance.md): under 10 s
# and under 1 GB on 2 cores.
#
#   scripts/bench.sh [-resources N] [-seed N] [-keep]
set -euo pipefail
cd "$(dirname "$0")/.."

RESOURCES=100000
SEED=1
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
	-resources) RESOURCES="$2"; shift 2 ;;
	-seed) SEED="$2"; shift 2 ;;
	-keep) KEEP=1; shift ;;
	*) echo "usage: $0 [-resources N] [-seed N] [-keep]" >&2; exit 2 ;;
	esac
done

# GNU time gives peak RSS; the shell keyword does not.
if [ ! -x /usr/bin/time ]; then
	echo "== installing GNU time"
	if [ "$(id -u)" -eq 0 ]; then
		apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
	else
		sudo apt-get install -y time >/dev/null
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cloudward-bench.XXXXXX")
if [ "$KEEP" -eq 0 ]; then
	trap 'rm -rf "$work"' EXIT
fi

echo "== build"
go build -o "$work/cloudward" ./cmd/cloudward

echo "== generate $RESOURCES resources (seed $SEED)"
go run ./scripts/gensnapshot -resources "$RESOURCES" -seed "$SEED" -out "$work/snapshot"
echo "snapshot: $(du -sh "$work/snapshot" | cut -f1), $(find "$work/snapshot" -type f | wc -l) files"

echo "== scan"
# Exit code 1 means "findings at or above --fail-on": expected here.
set +e
/usr/bin/time -v -o "$work/time.txt" "$work/cloudward" scan aws --snapshot "$work/snapshot" --format json --output /dev/null
rc=$?
set -e
if [ "$rc" -gt 1 ]; then
	echo "scan failed with exit code $rc" >&2
	cat "$work/time.txt" >&2
	exit "$rc"
fi

wall=$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
rss_kb=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$work/time.txt")
user=$(sed -n 's/^.*User time (seconds): //p' "$work/time.txt")
sys=$(sed -n 's/^.*System time (seconds): //p' "$work/time.txt")
echo "== result ($RESOURCES resources, $(nproc) CPUs)"
echo "wall time: $wall (user ${user}s, system ${sys}s)"
echo "peak RSS:  $((rss_kb / 1024)) MiB"
if [ "$KEEP" -eq 1 ]; then
	echo "kept: $work"
fi
