import { expect, type Page, type TestInfo } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
