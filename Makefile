# Cairn — the two commands: `make run` and `make test`. Both start with `make setup`, which
# installs only what is missing. Nothing is downloaded at build time: cargo-leptos finds
# wasm-bindgen, wasm-opt (npm binaryen) and sass (npm) on PATH.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

CARGO_LEPTOS_VERSION := 0.3.11
WASM_BINDGEN_VERSION := 0.2.130

# Build cache outside the clone so a fresh checkout (and CI) builds warm.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/cairn-target
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# Runtime configuration, passed through to the server (see README "Configuration").
export DATABASE_URL ?= sqlite://data/cairn.db
export LEPTOS_SITE_ADDR ?= 127.0.0.1:3000
export RUST_LOG ?= info,sqlx=warn
export CAIRN_DEMO ?= 1
SITE_ROOT := $(CURDIR)/target/site
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: setup run build test fmt clippy unit e2e postgres bench bench-display budgets lighthouse screenshots clean help

help:
	@echo "make run   — build (release) and serve Cairn on http://$(LEPTOS_SITE_ADDR)"
	@echo "make test  — fmt, clippy, unit + store tests on SQLite and PostgreSQL, Playwright"

setup:
	@rustup target list --installed | grep -q '^wasm32-unknown-unknown$$' || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q '$(CARGO_LEPTOS_VERSION)' || \
		cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --ignore-rust-version
	@wasm-bindgen --version 2>/dev/null | grep -q '$(WASM_BINDGEN_VERSION)' || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@command -v chromium >/dev/null || { apt-get update && apt-get install -y chromium; }
	@command -v pdftotext >/dev/null || { apt-get update && apt-get install -y poppler-utils; }
	@python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet 'aiosmtpd==1.4.6'
	@if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then \
		cd end2end && npm ci --no-audit --no-fund; fi

# --precompress writes a brotli (quality 11) and a gzip copy of every site file; the gzip copies
# are then made again with gzip -9 (cargo-leptos's gzip encoder packs the wasm ~15% worse).
build: setup
	cargo leptos build --release --split --precompress
	find $(SITE_ROOT)/pkg -type f ! -name '*.gz' ! -name '*.br' -exec gzip -9 -n -k -f {} +

run: build
	LEPTOS_SITE_ROOT=$(SITE_ROOT) $(CARGO_TARGET_DIR)/release/server

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2; }
	@pg_isready -h 127.0.0.1 -p 5432

fmt:
	cargo fmt --all --check

clippy: setup
	cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
	cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

# Unit, store and router tests. Store tests run every body on SQLite and on PostgreSQL.
unit: postgres
	CAIRN_TEST_PG=$(PG_TEST_URL) cargo test -p app -p server --features app/ssr

e2e: build
	cd end2end && CAIRN_BIN=$(CARGO_TARGET_DIR)/release/server LEPTOS_SITE_ROOT=$(SITE_ROOT) npx playwright test

test: setup fmt clippy unit e2e
	@echo "make test: all green"

# Live-map benchmark: Cairn on SQLite and PostgreSQL, Hocuspocus as the reference, a bare
# WebSocket relay as the floor; the import benchmark (100,000 rows); the scoring benchmark; then
# canvas smoothness while dragging (release build, Chromium).
# BENCH_ARGS e.g. "--quick" or "--clients 10,50 --secs 5".
BENCH_ARGS ?=
# The browser benchmarks run first: `cargo bench` rebuilds target/release/server without
# cargo-leptos's settings, and that binary cannot serve the site (`make build` makes it again).
# Bytes over the wire per page (cold and second visit) and the main wasm's compressed sizes;
# writes the table into the README.
budgets: build
	cd end2end && CAIRN_BIN=$(CARGO_TARGET_DIR)/release/server LEPTOS_SITE_ROOT=$(SITE_ROOT) node bench/budgets.mjs --readme ../README.md

# Lighthouse (default mobile settings) on sign-in, home, map, scorecard, grid, dashboard and
# display; writes the table into the README. A benchmark, not a test.
lighthouse: build
	cd end2end && CHROME_PATH=/usr/bin/chromium CAIRN_BIN=$(CARGO_TARGET_DIR)/release/server LEPTOS_SITE_ROOT=$(SITE_ROOT) node bench/lighthouse.mjs --readme ../README.md

# German screenshots of the map and the display (1920×1080 and 1280×720) into docs/.
screenshots: build
	mkdir -p docs
	cd end2end && CAIRN_BIN=$(CARGO_TARGET_DIR)/release/server LEPTOS_SITE_ROOT=$(SITE_ROOT) node bench/screenshots.mjs --out ../docs

bench: setup postgres build bench-display
	cd end2end && CAIRN_BIN=$(CARGO_TARGET_DIR)/release/server LEPTOS_SITE_ROOT=$(SITE_ROOT) node bench/canvas.mjs
	cargo bench -p app --features app/ssr --bench scores
	CAIRN_TEST_PG=$(PG_TEST_URL) cargo bench -p server --bench live -- $(BENCH_ARGS)
	CAIRN_TEST_PG=$(PG_TEST_URL) cargo bench -p server --bench import
	CAIRN_TEST_PG=$(PG_TEST_URL) cargo bench -p server --bench render -- --readme ../README.md
	cd end2end && node bench/hocuspocus.mjs $(BENCH_ARGS)
	cd end2end && node bench/echo.mjs $(BENCH_ARGS)

# Display latency: new actual -> display DOM updated, p50/p99 over 200 updates, in Chromium
# against the release build (its own server on port 3190 with a fresh demo database).
bench-display: build
	cd end2end && CAIRN_BIN=$(CARGO_TARGET_DIR)/release/server LEPTOS_SITE_ROOT=$(SITE_ROOT) node bench/display.mjs

clean:
	rm -rf target/site
