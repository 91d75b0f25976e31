import { test, expect } from '@playwright/test';
import { open, screenshot, hydrated, expectNoHorizontalOverflow, login } from './support';

test.describe('app shell', () => {
  // Every page needs a signed-in user; vendor status is for admins.
  test.beforeEach(async ({ page }, testInfo) => {
    await login(page, testInfo, 'admin');
  });

  test('home page in Chinese with navigation and the demo banner', async ({ page }, testInfo) => {
    const response = await open(page, testInfo, '/');
    expect(response?.status()).toBe(200);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
    const nav = page.getByRole('navigation');
    await expect(nav.getByRole('link', { name: '客户' })).toHaveAttribute('href', '/customers');
    await expect(nav.getByRole('link', { name: '线索' })).toHaveAttribute('href', '/clues');
    await expect(nav.getByRole('link', { name: '供应商状态' })).toHaveAttribute('href', '/vendors');
    await expect(page.getByTestId('demo-banner')).toContainText('演示数据');
    await screenshot(page, testInfo, 'home');
  });

  test('vendor status page lists every vendor without secrets', async ({ page }, testInfo) => {
    await open(page, testInfo, '/vendors');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('供应商状态');
    const list = page.getByTestId('vendor-list');
    for (const [slug, name] of [['tanma', '探马'], ['weiling', '卫瓴'], ['juzi', '句子互动']]) {
      const card = list.locator(`[data-vendor="${slug}"]`);
      await expect(card.getByRole('heading', { level: 2 })).toHaveText(name);
      await expect(card).toContainText('演示');
      await expect(card).toContainText('http://127.0.0.1:');
    }
    // Every endpoint the adapters use, documented (the seed pages) or optional.
    const qwDetails = list.locator('[data-vendor="tanma"] [data-testid="vendor-endpoint"][data-path="/api/v2/customer/qw-details"]');
    await expect(qwDetails).toContainText('文档接口');
    await expect(qwDetails).toHaveAttribute('data-missing', 'false');
    await expect(list.locator('[data-vendor="weiling"] [data-testid="vendor-endpoint"][data-path="/customer/list"]')).toContainText('可选接口');
    const html = await page.content();
    // The token endpoint's path (/auth/access_token/get) is listed; a token value never is.
    for (const word of ['appKey', 'app_secret', 'access_token=', 'token=']) {
      expect(html).not.toContain(word);
    }
    await screenshot(page, testInfo, 'vendors');
  });

  test('language switch to English and back keeps the page', async ({ page }, testInfo) => {
    await open(page, testInfo, '/vendors');
    await page.getByTestId('language-switch').click();
    await expect(page).toHaveURL(/\/vendors$/);
    if (hydrated(testInfo)) await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vendor status');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Customers' })).toBeVisible();
    await screenshot(page, testInfo, 'vendors-en');
    await page.getByTestId('language-switch').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('供应商状态');
  });

  test('unknown address gets a styled 404', async ({ page }, testInfo) => {
    const response = await open(page, testInfo, '/no-such-page');
    expect(response?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText('页面不存在');
    await page.getByRole('link', { name: '返回首页' }).click();
    await expect(page).toHaveURL(/\/$/);
    await screenshot(page, testInfo, 'not-found');
  });

  test('phone width: navigation reachable, nothing scrolls sideways', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await open(page, testInfo, '/vendors');
    await expect(page.getByRole('navigation').getByRole('link', { name: '线索' })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await screenshot(page, testInfo, 'vendors-phone');
  });

  test('health endpoint reports version and vendors', async ({ request }) => {
    const response = await request.get('/healthz');
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('ok');
    expect(body.demo).toBe(true);
    expect(body.vendors.map((v: { vendor: string }) => v.vendor)).toEqual(['tanma', 'weiling', 'juzi']);
  });
});
