#!/usr/bin/env bash
# Fails when the hydrate WASM bundle exceeds its budget: 600 KB raw or 200 KB gzipped
# (gzip -9, what a typical reverse proxy serves). The size is deterministic for a given
# source, so this is a plain check, not a benchmark. Run after `make build`.
set -euo pipefail

WASM="${1:-target/site/pkg/salesdesk.wasm}"
RAW_LIMIT=$((600 * 1024))
GZIP_LIMIT=$((200 * 1024))

if [[ ! -f "$WASM" ]]; then
  echo "wasm-budget: $WASM not found; build it first (make build)" >&2
  exit 1
fi

raw=$(wc -c <"$WASM")
gz=$(gzip -9 -c "$WASM" | wc -c)
kb() { awk -v n="$1" 'BEGIN { printf "%.1f KB", n / 1024 }'; }

status=0
if (( raw > RAW_LIMIT )); then
  echo "wasm-budget: FAIL raw $(kb "$raw") > $(kb "$RAW_LIMIT") ($WASM)" >&2
  status=1
fi
if (( gz > GZIP_LIMIT )); then
  echo "wasm-budget: FAIL gzip $(kb "$gz") > $(kb "$GZIP_LIMIT") ($WASM)" >&2
  status=1
fi
if (( status == 0 )); then
  echo "wasm-budget: OK raw $(kb "$raw") (≤ $(kb "$RAW_LIMIT")), gzip $(kb "$gz") (≤ $(kb "$GZIP_LIMIT"))"
fi
exit "$status"
