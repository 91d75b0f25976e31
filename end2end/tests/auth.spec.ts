import { test, expect } from '@playwright/test';
import { DEMO_PASSWORD, hydrated, login, open, screenshot } from './support';

// Seed 000's Tanma customer (owned by LiuFuLai) and seed 004's 李四 (followed by rocky).
const LIU_CUSTOMER = 'wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA';
const ROCKY_CUSTOMER = 'wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg';

/** The customer-list row of `key`, searched for by its external user id. */
async function searchRow(page: import('@playwright/test').Page, testInfo: import('@playwright/test').TestInfo, key: string) {
  await open(page, testInfo, `/customers?q=${key}`);
  return page.locator(`[data-testid="customer-row"][data-key="${key}"]`);
}

test.describe('sign-in and visibility', () => {
  test('signed-out visitors are sent to the login page and back', async ({ page }, testInfo) => {
    const response = await page.goto('/customers?q=%E6%9D%8E');
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(/\/login\?next=%2Fcustomers%3Fq%3D%25E6%259D%258E$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
    await screenshot(page, testInfo, 'login');
    await page.locator('#login-username').fill('rocky');
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/customers\?q=%E6%9D%8E$/);
    await expect(page.getByTestId('user-menu')).toHaveAttribute('data-username', 'rocky');
  });

  test('a failed sign-in does not say which part was wrong', async ({ page }) => {
    for (const [user, password] of [['nobody-at-all', 'whatever-pass'], ['liufulai', 'not-the-password']]) {
      await page.goto('/login');
      await page.locator('#login-username').fill(user);
      await page.locator('#login-password').fill(password);
      await page.getByTestId('login-submit').click();
      await expect(page).toHaveURL(/\/login\?error=invalid$/);
      await expect(page.getByTestId('login-error')).toHaveText('用户名或密码不正确。');
    }
  });

  test('rep liufulai sees his customer and not rocky\'s', async ({ page }, testInfo) => {
    await login(page, testInfo, 'liufulai');
    await expect(await searchRow(page, testInfo, LIU_CUSTOMER)).toBeVisible();
    await expect(await searchRow(page, testInfo, ROCKY_CUSTOMER)).toHaveCount(0);
    // The whole first page belongs to him: every row's key is one of his.
    await open(page, testInfo, '/customers');
    const keys = await page.getByTestId('customer-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys).not.toContain(ROCKY_CUSTOMER);
    await screenshot(page, testInfo, 'customers-as-rep');
    // Opening rocky's customer directly is refused with a clear page.
    const denied = await page.goto(`/customers/${ROCKY_CUSTOMER}`);
    expect(denied?.status()).toBe(403);
    await expect(page.getByTestId('forbidden')).toBeVisible();
  });

  test('rep rocky sees 李四 and not liufulai\'s customer', async ({ page }, testInfo) => {
    await login(page, testInfo, 'rocky');
    await expect(await searchRow(page, testInfo, ROCKY_CUSTOMER)).toBeVisible();
    await expect(await searchRow(page, testInfo, LIU_CUSTOMER)).toHaveCount(0);
  });

  test('admin sees both customers, and more than a rep', async ({ page }, testInfo) => {
    await login(page, testInfo, 'admin');
    await expect(await searchRow(page, testInfo, LIU_CUSTOMER)).toBeVisible();
    await expect(await searchRow(page, testInfo, ROCKY_CUSTOMER)).toBeVisible();
    await open(page, testInfo, '/customers');
    await screenshot(page, testInfo, 'customers-as-admin');
  });

  test('the manager sees his team member\'s customer, not another team\'s', async ({ page }, testInfo) => {
    await login(page, testInfo, 'zhangwei');
    await expect(await searchRow(page, testInfo, LIU_CUSTOMER)).toBeVisible();
    await expect(await searchRow(page, testInfo, ROCKY_CUSTOMER)).toHaveCount(0);
  });

  test('vendor status and admin pages are for admins only', async ({ page }, testInfo) => {
    await login(page, testInfo, 'rocky');
    const nav = page.getByRole('navigation');
    await expect(nav.getByRole('link', { name: '客户' })).toBeVisible();
    await expect(nav.getByRole('link', { name: '供应商状态' })).toHaveCount(0);
    for (const path of ['/vendors', '/admin/users', '/admin/audit']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(page.getByTestId('forbidden')).toContainText('无权访问');
    }
    await screenshot(page, testInfo, 'forbidden');
  });

  test('admin manages users and reads the audit log', async ({ page }, testInfo) => {
    await login(page, testInfo, 'admin', '/admin/users');
    const table = page.getByTestId('user-table');
    for (const name of ['admin', 'zhangwei', 'liufulai', 'rocky']) {
      await expect(table.locator(`[data-testid="user-row"][data-username="${name}"]`)).toBeVisible();
    }
    await screenshot(page, testInfo, 'admin-users');
    // A bad username is explained next to the form and nothing is created.
    const form = page.getByTestId('user-create-form');
    await form.locator('input[name="username"]').fill(`bad name ${testInfo.project.name}`);
    await form.locator('input[name="display_name"]').fill('测试');
    await page.getByTestId('user-create-submit').click();
    await expect(page.getByTestId('admin-error')).toContainText('用户名');

    await open(page, testInfo, '/admin/audit');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('审计日志');
    await expect(page.getByTestId('audit-csv')).toHaveAttribute('href', '/admin/audit.csv');
    await screenshot(page, testInfo, 'admin-audit');
  });

  test('sign out ends the session', async ({ page }, testInfo) => {
    await login(page, testInfo, 'liufulai', '/customers');
    await page.getByTestId('logout').click();
    await expect(page).toHaveURL(/\/login\?signed_out=1$/);
    await expect(page.getByTestId('signed-out')).toBeVisible();
    await page.goto('/customers');
    await expect(page).toHaveURL(/\/login\?next=%2Fcustomers/);
    if (hydrated(testInfo)) await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  });
});
