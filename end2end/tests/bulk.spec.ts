import { test, expect } from '@playwright/test';
import { login, open, screenshot } from './support';

// Bulk notes from the customer list: a plain HTML form (no island), so both projects —
// hydrated and JavaScript off — post it natively and land on the job's result page.
test.describe('bulk notes', () => {
  test.beforeEach(async ({ page }, testInfo) => {
    await login(page, testInfo, 'admin');
  });

  test('select two customers, add a note, see the result page', async ({ page }, testInfo) => {
    await open(page, testInfo, '/customers?vendor=juzi');
    const rows = page.getByTestId('customer-row');
    await expect(rows.first()).toBeVisible();
    const keys = await rows.evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-key') ?? ''));
    await rows.nth(0).getByTestId('bulk-select').check();
    await rows.nth(1).getByTestId('bulk-select').check();

    await page.getByTestId('bulk-open').click();
    const text = `E2E 批量跟进 ${testInfo.project.name} ${Date.now()}`;
    await page.getByTestId('bulk-note').fill(text);
    await page.getByTestId('bulk-send-selected').click();

    await expect(page).toHaveURL(/\/bulk\/\d+$/);
    await expect(page.getByTestId('bulk-title')).toContainText('批量跟进');
    await expect(page.getByTestId('bulk-content')).toContainText(text);
    const customers = page.getByTestId('bulk-customer');
    await expect(customers).toHaveCount(2);
    for (const key of keys) {
      await expect(page.locator(`[data-testid="bulk-customer"][data-key="${key}"]`)).toBeVisible();
    }
    // Writes still on their way reload the page by themselves; wait until none is pending.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('bulk-count-pending')).toHaveAttribute('data-count', '0', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId('bulk-count-failed')).toHaveAttribute('data-count', '0');
    await expect(page.locator('[data-testid="bulk-write"][data-delivery="delivered"]').first()).toBeVisible();
    await expect(page.locator('[data-testid="bulk-write"][data-vendor="juzi"][data-delivery="delivered"]').first()).toBeVisible();
    await screenshot(page, testInfo, 'bulk-result');
  });

  test('nothing ticked: a clear message, and the note is kept', async ({ page }, testInfo) => {
    await open(page, testInfo, '/customers');
    await page.getByTestId('bulk-open').click();
    await page.getByTestId('bulk-note').fill('没有勾选客户的批量跟进');
    await page.getByTestId('bulk-send-selected').click();
    await expect(page).toHaveURL(/f_error=nothing_selected/);
    await expect(page.getByTestId('bulk-error')).toContainText('请至少选择一位客户');
    await expect(page.getByTestId('bulk-note')).toHaveValue('没有勾选客户的批量跟进');
    await screenshot(page, testInfo, 'bulk-refused');
  });
});
