import { test, expect, type Page, type TestInfo } from '@playwright/test';
import { login, hydrated, type DemoUser } from './support';

// The second server of playwright.config.ts: demo mode with SALESDESK_SIM_HOSTILE=1, where every
// string the simulated vendors send carries markup that would close <title>, <textarea> or
// <script>, open a comment, refresh the page to another site, load an image or post a form
// there, plus bidi controls and 10,000-character text (server/src/simulators/dataset/hostile.rs).
const HOSTILE_PORT = Number(process.env.SALESDESK_E2E_HOSTILE_PORT ?? Number(process.env.SALESDESK_E2E_PORT ?? 3100) + 1);
const ORIGIN = `http://127.0.0.1:${HOSTILE_PORT}`;
test.use({ baseURL: ORIGIN });

/** Records every request to another origin (and stops it), every page error and console error. */
function watch(page: Page) {
  const outside: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A 403/404 page is itself a failed load; anything else failing is a finding.
    if (m.type() === 'error' && !/status of 40[34]/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(ORIGIN) && !r.url().startsWith('data:')) outside.push(r.url());
  });
  void page.route((url) => url.origin !== ORIGIN, (route) => route.abort());
  return { outside, errors };
}

/** Opens `path` and checks the page holds nothing a vendor string injected. */
async function expectInert(page: Page, testInfo: TestInfo, seen: ReturnType<typeof watch>, path: string) {
  const response = await page.goto(path);
  expect(response, path).not.toBeNull();
  if (hydrated(testInfo) && response!.ok()) {
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  }
  // A 0 s meta refresh or an onload handler would have fired by now.
  await page.waitForTimeout(300);
  const where = `${testInfo.project.name} ${path}`;
  expect(new URL(page.url()).origin, `${where}: navigated away`).toBe(ORIGIN);
  const found = await page.evaluate(() => ({
    injected: [...document.querySelectorAll('[id^="hostile-"]')].map((e) => e.outerHTML.slice(0, 80)),
    metas: document.querySelectorAll('meta[http-equiv]').length,
    svgs: document.querySelectorAll('svg, iframe, object, embed, base').length,
    handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName} ${a.name}`)),
    offsite: [...document.querySelectorAll('[src], [href], [action]')]
      .map((e) => e.getAttribute('src') ?? e.getAttribute('href') ?? e.getAttribute('action') ?? '')
      .filter((v) => v.includes('127.0.0.9')),
    titles: document.querySelectorAll('title').length,
    // Vendor text with a bidi override must sit in an isolate, so it cannot reorder the page.
    unisolated: (() => {
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement;
        if (/[\u202A-\u202E\u2066-\u2069]/.test(n.textContent ?? '') && parent && !getComputedStyle(parent).unicodeBidi.startsWith('isolate')) {
          out.push(`${parent.tagName}: ${(n.textContent ?? '').slice(0, 40)}`);
        }
      }
      return out;
    })(),
    bodyText: document.body.innerText.length,
  }));
  expect(found.injected, `${where}: injected elements`).toEqual([]);
  expect(found.metas, `${where}: meta http-equiv`).toBe(0);
  expect(found.svgs, `${where}: svg/iframe/object/base`).toBe(0);
  expect(found.handlers, `${where}: event handler attributes`).toEqual([]);
  expect(found.offsite, `${where}: references to the attacker's host`).toEqual([]);
  expect(found.titles, `${where}: one title`).toBe(1);
  expect(found.unisolated, `${where}: bidi controls outside an isolate`).toEqual([]);
  expect(found.bodyText, `${where}: the page shows something`).toBeGreaterThan(0);
  expect(seen.outside, `${where}: requests to other origins`).toEqual([]);
  expect(seen.errors, `${where}: errors`).toEqual([]);
}

/** Same-site links on the current page whose path starts with `prefix`. */
async function linksTo(page: Page, prefix: string, max: number): Promise<string[]> {
  const hrefs = await page.locator(`a[href^="${prefix}"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs)].slice(0, max);
}

for (const user of ['admin', 'liufulai'] as DemoUser[]) {
  test(`hostile vendor strings stay text on every page (${user})`, async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const seen = watch(page);
    await login(page, testInfo, user, '/');
    const pages = ['/', '/customers', '/clues', '/customers/wmNoSuchCustomer', '/no-such-page'];
    if (user === 'admin') pages.push('/vendors', '/admin/users', '/admin/audit');
    for (const path of pages) await expectInert(page, testInfo, seen, path);

    await page.goto('/customers');
    const customers = await linksTo(page, '/customers/wm', 4);
    expect(customers.length, 'the list links to customers').toBeGreaterThan(0);
    for (const path of customers) await expectInert(page, testInfo, seen, path);

    await page.goto('/clues');
    const clues = await linksTo(page, '/clues/', 3);
    expect(clues.length, 'the clue list links to clues').toBeGreaterThan(0);
    for (const path of clues) await expectInert(page, testInfo, seen, path);

    // The rep's own note, through the page's form, shows as typed on the 360° page.
    await page.goto(customers[0]);
    const form = page.getByTestId('note-form');
    if (await form.count()) {
      const note = '</title><b id="hostile-typed">备注</b>';
      await form.locator('textarea[name="text"]').fill(note);
      await Promise.all([page.waitForLoadState('load'), page.getByTestId('note-submit').click()]);
      await expectInert(page, testInfo, seen, customers[0]);
    }
  });
}
