# tecno — see README.md. CI runs .ci/run, which uses these same targets.
GO      ?= go
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
LDFLAGS := -s -w -X github.com/tecno-video/tecno/internal/cli.Version=$(VERSION) -X github.com/tecno-video/tecno/internal/cli.Commit=$(COMMIT)
BIN     := bin/tecno

.PHONY: all build test lint bench fuzz demo frames install-deps install-test-deps clean man

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/tecno

# What building lessons needs (ffmpeg, espeak-ng).
install-deps:
	@bash scripts/install-deps.sh

# What the test suite needs besides (flite, poppler, CJK fonts, Chromium).
install-test-deps:
	@bash scripts/install-deps.sh --test

# The README's test command. Real ffmpeg and espeak-ng, race detector on.
test: install-test-deps
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l cmd internal templates)" || { gofmt -l cmd internal templates; echo "gofmt needed"; exit 1; }
	$(GO) test -race -timeout 30m $(PKGS)

lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l cmd internal templates)" || { gofmt -l cmd internal templates; exit 1; }

# Benchmarks (speed and memory claims live here, never in unit tests).
bench: build install-deps
	$(GO) run ./cmd/tecnobench -tecno $(BIN) -variant polish $(BENCHFLAGS)

FUZZTIME ?= 60s
fuzz:
	@for spec in $$($(GO) test -list 'Fuzz.*' $(PKGS) 2>/dev/null | grep -E '^(Fuzz|ok)'| awk '/^ok/{pkg=$$2} /^Fuzz/{print pkg":"$$1}'); do \
		pkg=$${spec%%:*}; fn=$${spec##*:}; \
		echo "== $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
	done

# One sample slide per template, drawn by tecno's renderer, for the README.
frames:
	$(GO) run ./cmd/tecnoframes -o docs/frames

# Build the example course into out/ (fully offline).
demo: build install-deps
	./$(BIN) build examples/intro/course.yaml -o out

# Man pages, one per command, into man/man1 (view one: man -l man/man1/tecno-build.1).
man:
	$(GO) run ./internal/cli/mangen -o man/man1 -version $(VERSION)

clean:
	rm -rf bin out man examples/*/.tecno examples/*/out
