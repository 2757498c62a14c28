# Developer entry points. `make test` is the whole suite, as CI runs it.
.PHONY: test build demo bench checks-doc

test:
	./scripts/test.sh

build:
	go build -o cloudward ./cmd/cloudward

demo:
	go run ./cmd/cloudward demo

bench:
	./scripts/bench.sh

checks-doc:
	go run ./cmd/cloudward checks --format markdown > docs/checks.md
	go run ./cmd/cloudward frameworks --format markdown > docs/compliance.md
