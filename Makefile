# SalesDesk — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

.PHONY: run test setup build watch fmt lint unit e2e clean-e2e wasm-budget bench bench-wrk

## Install what is missing, build the release app, and serve it on http://127.0.0.1:3000.
## With no vendor credentials it starts in demo mode on simulated vendors.
run: build
	./target/release/salesdesk

## Every check: format, lints (server and WASM), unit + integration tests, release build,
## WASM size budget, and the Playwright suite (hydrated and with JavaScript off).
test: setup fmt lint build wasm-budget e2e unit

setup:
	@./scripts/setup.sh

build: setup
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$(WASM_REMAP)" cargo leptos build --release

## Build paths (this checkout, the cargo home with every dependency's source) would be in the
## WASM's panic messages and tell anyone who downloads it about the build machine: remapped.
## cargo-leptos adds its own flags to these (it reads the target's rustflags like cargo).
CARGO_HOME ?= $(HOME)/.cargo
WASM_REMAP := --remap-path-prefix=$(CARGO_HOME)=/cargo --remap-path-prefix=$(CURDIR)=/salesdesk

## The hydrate bundle: target 600 KB raw / 200 KB gzipped; an enforced ceiling stops growth.
wasm-budget:
	./scripts/wasm-budget.sh

## Speed and size figures against the simulated vendors (release build; see README).
bench:
	cargo bench -p salesdesk --bench salesdesk_bench --locked

## The cached customer server function under wrk (needs `wrk` and `make build`).
bench-wrk:
	bash scripts/bench-wrk.sh

## Development: rebuild and reload on every change.
watch: setup
	cargo leptos watch

fmt:
	cargo fmt --all -- --check

lint:
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy -p frontend --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings

e2e:
	rm -rf target/e2e-data target/e2e-data-hostile
	cd end2end && npx playwright test

## Last, so the run ends on cargo test's summary lines. One test at a time per binary: Leptos's
## reactive system is process-wide, and pages rendered from several test runtimes at once
## occasionally never finish (the server has one runtime; tests/integration/concurrent_pages.rs shows
## concurrent renders within one runtime always do).
## The integration suites run twice: on SQLite (in memory), then on a throwaway PostgreSQL
## cluster (scripts/postgres.sh) where each test gets a database of its own, plus the cluster
## tests (two `salesdesk` processes on one database) that need it.
PG_DIR := /tmp/salesdesk-test-postgres
unit:
	RUST_TEST_THREADS=1 cargo test --workspace --locked --lib --bins --tests
	./scripts/postgres.sh stop $(PG_DIR); rm -rf $(PG_DIR)
	url=$$(./scripts/postgres.sh start $(PG_DIR)) && \
	  SALESDESK_TEST_DATABASE_URL=$$url RUST_TEST_THREADS=1 cargo test -p salesdesk --locked --test integration; \
	  status=$$?; ./scripts/postgres.sh stop $(PG_DIR); rm -rf $(PG_DIR); exit $$status
