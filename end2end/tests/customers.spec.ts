import { test, expect } from '@playwright/test';
import { open, screenshot, hydrated, expectNoHorizontalOverflow, login } from './support';

// Seed records the simulated vendors serve verbatim (shared/seeds 000–004).
const SEED_TANMA = 'wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA';
const SEED_JUZI = 'wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg';

test.describe('customers', () => {
  test.beforeEach(async ({ page }, testInfo) => {
    await login(page, testInfo, 'admin');
  });

  test('list: rows, search, filter, paging and the empty state', async ({ page }, testInfo) => {
    await open(page, testInfo, '/customers');
    const rows = page.getByTestId('customer-row');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBe(20);
    await screenshot(page, testInfo, 'customers-list');

    await page.getByTestId('customer-search').fill('李四');
    await page.getByTestId('customer-search-submit').click();
    await expect(page).toHaveURL(/q=%E6%9D%8E%E5%9B%9B/);
    await expect(page.locator(`[data-testid="customer-row"][data-key="${SEED_JUZI}"]`)).toBeVisible();

    await open(page, testInfo, '/customers?vendor=juzi');
    const juziRows = page.getByTestId('customer-row');
    await expect(juziRows.first()).toBeVisible();
    const chips = await juziRows.evaluateAll((els) => els.map((e) => e.querySelector('[data-vendor-chip="juzi"]') !== null));
    expect(chips.every(Boolean)).toBe(true);

    await open(page, testInfo, '/customers');
    const first = await rows.first().getAttribute('data-key');
    await page.getByTestId('page-next').click();
    await expect(page).toHaveURL(/page=2/);
    await expect(rows.first()).not.toHaveAttribute('data-key', first ?? '');

    await open(page, testInfo, '/customers?q=没有这个客户zzz');
    await expect(page.getByTestId('empty-state')).toContainText('没有符合条件的客户');
  });

  test('360° page: profile, vendors, tags and the merged timeline', async ({ page }, testInfo) => {
    const response = await open(page, testInfo, `/customers/${SEED_TANMA}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId('customer-name')).toBeVisible();
    await expect(page.getByTestId('profile-mobiles')).toContainText('158xxxxxxxx');
    await expect(page.getByTestId('profile-stage')).toContainText('需求确定11');
    await expect(page.getByTestId('customer-fields')).toContainText('客户来源');
    const items = page.locator('[data-testid="timeline-item"][data-vendor="tanma"]');
    await expect(items).toHaveCount(22);
    await expect(items.first()).toContainText('qq');
    const change = page.locator('[data-testid="timeline-item"]', { hasText: '方案报价' }).filter({ hasText: '丢单' }).first();
    await expect(change.locator('[data-change="changed"]')).toContainText('销售阶段');
    await screenshot(page, testInfo, 'customer-360');

    await page.getByTestId('timeline-filter-changes').click();
    await expect(page).toHaveURL(/t=changes/);
    await expect(page.locator('[data-testid="timeline-item"][data-kind="note"]')).toHaveCount(0);
    await expect(page.locator('[data-testid="timeline-item"][data-kind="change"]').first()).toBeVisible();
  });

  test('360° page of a customer all three vendors know, at phone width', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 375, height: 800 });
    await open(page, testInfo, `/customers/${SEED_JUZI}`);
    await expect(page.getByTestId('customer-name')).toContainText('李四');
    for (const vendor of ['tanma', 'weiling', 'juzi']) {
      await expect(page.locator(`[data-vendor-section="${vendor}"]`)).toBeVisible();
    }
    await expect(page.getByTestId('tags-corp')).toContainText('标签名');
    await expect(page.getByTestId('tags-personal')).toContainText('个人标签名');
    await expectNoHorizontalOverflow(page);
    await screenshot(page, testInfo, 'customer-360-phone');
  });

  test('add a follow-up note: it shows in the timeline at once, delivered', async ({ page }, testInfo) => {
    await open(page, testInfo, `/customers/${SEED_JUZI}`);
    const text = `E2E 跟进 ${testInfo.project.name} ${Date.now()}`;
    await page.getByTestId('note-form').locator('textarea[name="text"]').fill(text);
    await page.getByTestId('note-submit').click();
    const item = page.locator('[data-testid="timeline-item"]', { hasText: text });
    // At once: the note is in the timeline (待发送 or already 已送达)...
    await expect(item.first()).toBeVisible();
    // ...and delivery completes in the background if it took longer than the submission waited.
    await expect(async () => {
      if ((await item.locator('[data-delivery="delivered"]').count()) === 0) {
        await page.reload();
      }
      await expect(item.locator('[data-delivery="delivered"]').first()).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByTestId('write-statuses')).toContainText(text);
    await screenshot(page, testInfo, 'customer-note-added');
  });

  test('remark limits are explained before anything is sent', async ({ page }, testInfo) => {
    await open(page, testInfo, `/customers/${SEED_JUZI}`);
    const form = page.getByTestId('remark-form');
    await form.locator('input[name="remark"]').fill('这是一个超过二十个字的备注内容用来测试长度限制');
    if (hydrated(testInfo)) {
      // Inline: the counter and message update as the rep types; saving is disabled.
      await expect(page.getByTestId('remark-feedback')).toContainText('备注最多 20 个字');
      await expect(page.getByTestId('remark-submit')).toBeDisabled();
    } else {
      // Without JavaScript the server refuses and the page comes back with the message and the text.
      await page.getByTestId('remark-submit').click();
      await expect(page.getByTestId('remark-feedback')).toContainText('备注最多 20 个字');
      await expect(form.locator('input[name="remark"]')).toHaveValue('这是一个超过二十个字的备注内容用来测试长度限制');
    }
    await form.locator('input[name="remark"]').fill('李总-E2E');
    await page.getByTestId('remark-submit').click();
    await expect(page.getByTestId('remark-feedback')).toContainText('已提交');
    await expect(page.getByTestId('write-statuses')).toContainText('李总-E2E');
  });

  test('unknown customer gets a 404 page', async ({ page }, testInfo) => {
    const response = await open(page, testInfo, '/customers/wmNoSuchCustomer0000000000000000');
    expect(response?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText('没有找到这位客户');
  });
});

test.describe('clues', () => {
  test.beforeEach(async ({ page }, testInfo) => {
    await login(page, testInfo, 'admin');
  });

  test('list newest first with cursor paging', async ({ page }, testInfo) => {
    await open(page, testInfo, '/clues');
    const rows = page.getByTestId('clue-row');
    await expect(rows.first()).toBeVisible();
    await screenshot(page, testInfo, 'clues-list');
    await page.getByTestId('clues-next').click();
    await expect(page).toHaveURL(/cursor=20/);
    await expect(rows.first()).toBeVisible();
  });

  test('seed clue: option ids resolved, mobile list parsed, times shown', async ({ page }, testInfo) => {
    await open(page, testInfo, '/clues/tanma/410983932389440');
    await expect(page.getByTestId('clue-name')).toHaveText('打马赛克就');
    const stage = page.locator('[data-field="customer_stage"]');
    await expect(stage.locator('[data-choice="resolved"]')).toBeVisible();
    await expect(page.locator('[data-field="mobile"] [data-field-type="mobiles"]')).toContainText('145678388');
    await expect(page.locator('[data-field="description"]')).toContainText('u 诶IE');
    await expect(page.getByTestId('clue-times')).toContainText('2021-05-11 15:15');
    await screenshot(page, testInfo, 'clue-detail');
  });
});
