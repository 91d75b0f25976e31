#!/usr/bin/env bash
# Installs whatever SalesDesk's build and tests need and is missing; quick when all is there.
# Only crates.io, npm and Debian's packages are reachable on our machines, so every tool comes
# from one of those (see README "Toolchain").
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# 1. Chromium for the end-to-end tests (Playwright drives Debian's build; it must never
#    download its own), and a small CJK font so its screenshots show Chinese, not boxes.
#    PostgreSQL's server too: `make test` runs the integration suites once on SQLite and
#    once on a throwaway PostgreSQL cluster (scripts/postgres.sh).
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ] || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  say "installing Chromium, a CJK font and PostgreSQL from Debian"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei postgresql >/dev/null
fi

# 2. The WebAssembly target for the hydrate bundle.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 3. cargo-leptos, pinned: 0.3.11 needs a newer rustc than ours.
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# 4. wasm-bindgen CLI: must equal the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --locked --force
fi

# 5. npm tools (tailwindcss, wasm-opt from binaryen, Playwright). `npm install`, not `npm ci`:
#    the registry here lacks other platforms' optional packages, which `npm ci` rejects.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
fi
