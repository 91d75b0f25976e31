import { defineConfig } from '@playwright/test';

// Every spec runs twice: once hydrated, once with JavaScript off (SSR alone must render every
// read page). The release server starts in demo mode on its own port and data directory.
const PORT = Number(process.env.SALESDESK_E2E_PORT ?? 3100);
// The hostile-data server (see webServer below); hostile-data.spec.ts reads the same variable.
const HOSTILE_PORT = Number(process.env.SALESDESK_E2E_HOSTILE_PORT ?? PORT + 1);
// Every demo user's password (the server prints random ones otherwise); support.ts signs in with it.
const DEMO_PASSWORD = process.env.SALESDESK_DEMO_PASSWORD ?? 'salesdesk-e2e-demo';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  // One retry under CI, reported as "flaky" rather than hidden: a rare missing page CSP
  // header (seen once in ~150 page loads) is being investigated.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright must never download a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: `cd .. && SALESDESK_DEMO=1 SALESDESK_DEMO_PASSWORD=${DEMO_PASSWORD} SALESDESK_ADDR=127.0.0.1:${PORT} SALESDESK_DATA_DIR=target/e2e-data ./target/release/salesdesk`,
      url: `http://127.0.0.1:${PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The same app on simulated vendors that send hostile strings everywhere
      // (tests/hostile-data.spec.ts).
      command: `cd .. && SALESDESK_DEMO=1 SALESDESK_SIM_HOSTILE=1 SALESDESK_DEMO_CUSTOMERS=60 SALESDESK_DEMO_PASSWORD=${DEMO_PASSWORD} SALESDESK_ADDR=127.0.0.1:${HOSTILE_PORT} SALESDESK_DATA_DIR=target/e2e-data-hostile ./target/release/salesdesk`,
      url: `http://127.0.0.1:${HOSTILE_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
