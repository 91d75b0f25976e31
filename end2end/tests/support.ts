import { expect, type Page, type TestInfo } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Password of every demo user. playwright.config.ts starts the server with
 * SALESDESK_DEMO_PASSWORD set to this, so specs can sign in.
 */
export const DEMO_PASSWORD = process.env.SALESDESK_DEMO_PASSWORD ?? 'salesdesk-e2e-demo';

/** The demo users (see server/src/auth/bootstrap.rs): an admin, liufulai's team manager, two reps. */
export type DemoUser = 'admin' | 'zhangwei' | 'liufulai' | 'rocky';

/**
 * Signs in through the login page's plain form (works hydrated and with JavaScript off) and
 * lands on `next`; when JavaScript is on, waits until that page has hydrated. The session
 * cookie stays in the page's browser context for the rest of the test.
 */
export async function login(page: Page, testInfo: TestInfo, user: DemoUser, next = '/') {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.locator('#login-username').fill(user);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'domcontentloaded' }),
    page.getByTestId('login-submit').click(),
  ]);
  if (hydrated(testInfo)) {
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  }
}

/** True in the project that runs with JavaScript enabled. */
export function hydrated(testInfo: TestInfo): boolean {
  return testInfo.project.name === 'hydrated';
}

/** Opens a page and, when JavaScript is on, waits until Leptos has hydrated it. */
export async function open(page: Page, testInfo: TestInfo, url: string) {
  const response = await page.goto(url);
  if (hydrated(testInfo)) {
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  }
  return response;
}

/** Saves a full-page screenshot as a test artifact: end2end/screenshots/<project>/<name>.png */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(__dirname, '..', 'screenshots', testInfo.project.name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** The page must not scroll sideways (phone widths). */
export async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}
