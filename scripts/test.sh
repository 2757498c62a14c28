#!/usr/bin/env bash
# The whole test suite: formatting, vet, unit and integration tests, and a
# short run of every fuzz target. `make test` and CI (.ci/run) call this.
# It installs nothing today; later suites that need servers (PostgreSQL,
# Chromium) install and start them here, on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-5s}

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== PostgreSQL for the store tests"
# A throwaway server on loopback (installed with apt-get when missing);
# tests that need PostgreSQL read CLOUDWARD_TEST_POSTGRES. An existing
# value (a server you run yourself) is kept.
if [ -z "${CLOUDWARD_TEST_POSTGRES:-}" ]; then
	pgdir=$(mktemp -d /tmp/cloudward-pgtest.XXXXXX)
	trap 'scripts/pg-test-server.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT
	CLOUDWARD_TEST_POSTGRES=$(scripts/pg-test-server.sh start "$pgdir")
	export CLOUDWARD_TEST_POSTGRES
fi

echo "== go test"
go test -count=1 ./...

echo "== go test -race (engine and importer)"
go test -count=1 -race ./internal/check/... ./internal/source/...

# fuzz_once runs one target briefly. Go's fuzzer sometimes stops with a bare
# "context deadline exceeded" when a worker is mid-input as the time runs out
# on a loaded machine; that (and only that, with no failing input) is retried
# once, so a real crash still fails the suite.
fuzz_once() {
	local out
	if out=$(go test -run='^$' -fuzz="^${2}\$" -fuzztime="$FUZZTIME" "$1" 2>&1); then
		echo "$out" | tail -n 2
		return 0
	fi
	if grep -q "context deadline exceeded" <<<"$out" && ! grep -q "Failing input" <<<"$out"; then
		echo "(fuzzer timed out at its deadline without a failing input; retrying once)"
		go test -run='^$' -fuzz="^${2}\$" -fuzztime="$FUZZTIME" "$1"
		return
	fi
	echo "$out"
	return 1
}

echo "== fuzz smoke runs (${FUZZTIME} each)"
# List every Fuzz target per package and run each briefly.
go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' ./... |
while read -r pkg dir; do
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "-- $pkg $target"
		fuzz_once "$pkg" "$target"
	done
done
echo "== all tests passed"
