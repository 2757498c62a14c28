#!/usr/bin/env bash
# IaC benchmark, side by side: generates synthetic Terraform trees
# (scripts/gentf), scans each with cloudward and, when trivy is on PATH (or
# TRIVY=/path/to/trivy), with `trivy config` in the same run, and prints wall
# time, CPU and peak RSS of each (GNU /usr/bin/time -v).
#
# Trees (12 resource instances per file, so 2,000 files = 24,000 instances):
#   modules  2,000 files spread over 100 local modules called from one root
#   flat     the same 2,000 files as ONE root module
#   linear   500 / 1,000 / 2,000 files in one root (linearity)
#   empty    an empty folder
# Targets (issue 5, docs/performance.md): 20,000 resources in 2,000 files
# under 5 s and 500 MB on 2 cores; an empty folder under 100 ms.
#
#   scripts/bench-iac.sh [-files N] [-modules N] [-no-trivy] [-no-linear] [-keep]
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=2000
MODULES=100
RUN_TRIVY=1
LINEAR=1
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
	-files) FILES="$2"; shift 2 ;;
	-modules) MODULES="$2"; shift 2 ;;
	-no-trivy) RUN_TRIVY=0; shift ;;
	-no-linear) LINEAR=0; shift ;;
	-keep) KEEP=1; shift ;;
	*) echo "usage: $0 [-files N] [-modules N] [-no-trivy] [-no-linear] [-keep]" >&2; exit 2 ;;
	esac
done

if [ ! -x /usr/bin/time ]; then
	echo "bench-iac: GNU time (/usr/bin/time) is needed for peak RSS: apt-get install time" >&2
	exit 2
fi

TRIVY="${TRIVY:-$(command -v trivy || true)}"
if [ "$RUN_TRIVY" -eq 0 ]; then
	TRIVY=""
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cloudward-bench-iac.XXXXXX")
if [ "$KEEP" -eq 0 ]; then
	trap 'rm -rf "$work"' EXIT
fi

echo "== build"
go build -o "$work/cloudward" ./cmd/cloudward
go build -o "$work/gentf" ./scripts/gentf

gen() { # gen DIR FILES MODULES
	"$work/gentf" -dir "$1" -files "$2" -per 10 -modules "$3" | sed 's/^/   /'
}

echo "== generate"
gen "$work/modules" "$FILES" "$MODULES"
gen "$work/flat" "$FILES" 0
mkdir -p "$work/empty"
if [ "$LINEAR" -eq 1 ]; then
	for n in $((FILES / 4)) $((FILES / 2)); do
		gen "$work/flat-$n" "$n" 0
	done
fi

# measure LABEL COMMAND...: runs the command under /usr/bin/time -v and
# prints one line. Exit codes 0 and 1 (findings) are success for both tools.
measure() {
	local label="$1"
	shift
	local t="$work/time.txt"
	set +e
	/usr/bin/time -v -o "$t" "$@" >"$work/out.txt" 2>"$work/err.txt"
	local rc=$?
	set -e
	if [ "$rc" -gt 1 ]; then
		echo "$label: failed with exit code $rc" >&2
		tail -5 "$work/err.txt" >&2
		return 0
	fi
	local wall user sys rss
	wall=$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$t")
	user=$(sed -n 's/^.*User time (seconds): //p' "$t")
	sys=$(sed -n 's/^.*System time (seconds): //p' "$t")
	rss=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$t")
	printf '%-34s wall %8s   cpu %6ss user %5ss sys   peak RSS %5d MiB\n' "$label" "$wall" "$user" "$sys" $((rss / 1024))
}

# The commands measured (arrays: /usr/bin/time runs programs, not shell
# functions). trivy config: misconfiguration scan only, with the checks
# bundle embedded in the binary (no download), JSON to /dev/null like
# cloudward.
cw=("$work/cloudward" scan iac --no-store --format json --output /dev/null)
tv=("$TRIVY" config --quiet --skip-check-update --cache-dir "$work/trivy-cache" --format json --output /dev/null)

echo "== scan ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
measure "cloudward empty" "${cw[@]}" "$work/empty"
measure "cloudward $FILES files/$MODULES modules" "${cw[@]}" "$work/modules"
measure "cloudward $FILES files/1 root" "${cw[@]}" "$work/flat"
if [ "$LINEAR" -eq 1 ]; then
	for n in $((FILES / 4)) $((FILES / 2)); do
		measure "cloudward $n files/1 root" "${cw[@]}" "$work/flat-$n"
	done
fi
if [ -n "$TRIVY" ]; then
	echo "   trivy: $("$TRIVY" --version 2>/dev/null | head -1)"
	measure "trivy empty" "${tv[@]}" "$work/empty"
	measure "trivy $FILES files/$MODULES modules" "${tv[@]}" "$work/modules"
	measure "trivy $FILES files/1 root" "${tv[@]}" "$work/flat"
else
	echo "   trivy: not on PATH (set TRIVY=/path/to/trivy to compare)"
fi
if [ "$KEEP" -eq 1 ]; then
	echo "kept: $work"
fi
