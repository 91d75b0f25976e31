import base from './playwright.config';
const PORT = 3197;
export default {
  ...base,
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: {
    ...base.webServer,
    command: `cd .. && rm -rf target/e2e-auth-debug && SALESDESK_DEMO=1 SALESDESK_DEMO_PASSWORD=salesdesk-e2e-demo SALESDESK_ADDR=127.0.0.1:${PORT} SALESDESK_DATA_DIR=target/e2e-auth-debug SALESDESK_SITE_ROOT=target/auth-site ./target/debug/salesdesk`,
    url: `http://127.0.0.1:${PORT}/healthz`,
  },
};
