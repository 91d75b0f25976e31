import { test, expect } from '@playwright/test';
import { open, screenshot, hydrated, login, type DemoUser } from './support';

// Seed 004's 李四: every vendor knows them, rocky follows them, notes can be written.
const SEED_JUZI = 'wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg';

/** `YYYY-MM-DDTHH:MM` in Beijing time, `days` from today, as a datetime-local input holds it. */
function beijing(days: number, time: string): string {
  const date = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${date}T${time}`;
}

test.describe('今日待办 and the next follow-up', () => {
  test('set a next follow-up, see it on the home page, then a note sets the next one', async ({ page }, testInfo) => {
    // The two projects run at once against one server: each as its own user, so neither sees
    // the other's plan.
    const user: DemoUser = hydrated(testInfo) ? 'rocky' : 'admin';
    const customer = `/customers/${SEED_JUZI}`;
    await login(page, testInfo, user, customer);

    const planForm = page.getByTestId('plan-form');
    const plan = `E2E 计划 ${testInfo.project.name} ${Date.now()}`;
    if (hydrated(testInfo)) {
      // Checked as the rep types: too long, and the button waits.
      await planForm.locator('input[name="due"]').fill(beijing(0, '23:59'));
      await planForm.locator('input[name="plan"]').fill('计'.repeat(201));
      await expect(page.getByTestId('plan-feedback')).toContainText('跟进计划不能超过 200 个字');
      await expect(page.getByTestId('plan-submit')).toBeDisabled();
    } else {
      // Without JavaScript the server refuses and words it.
      await planForm.locator('input[name="due"]').fill(beijing(0, '23:59'));
      await planForm.locator('input[name="plan"]').fill('');
      await page.getByTestId('plan-submit').click();
      await expect(page.getByTestId('plan-feedback')).toContainText('请填写跟进计划');
    }
    await planForm.locator('input[name="due"]').fill(beijing(0, '23:59'));
    await planForm.locator('input[name="plan"]').fill(plan);
    await page.getByTestId('plan-submit').click();
    await expect(page).toHaveURL(/f_done=plan/);
    await expect(page.getByTestId('plan-text')).toHaveText(plan);
    await expect(page.getByTestId('plan-due')).toHaveText(beijing(0, '23:59').replace('T', ' '));

    // On the home page, among today's follow-ups, linking back to the customer.
    await open(page, testInfo, '/');
    const due = page.getByTestId('today-due').locator(`[data-testid="due-item"][data-key="${SEED_JUZI}"]`);
    await expect(due).toContainText(plan);
    await expect(page.getByTestId('today-recent').locator(`[data-key="${SEED_JUZI}"]`)).toBeVisible();
    await screenshot(page, testInfo, 'today');
    await due.getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`${customer}$`));
    if (hydrated(testInfo)) {
      await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    }

    // A note that also sets the next follow-up (tomorrow): the plan changes, today's list empties.
    const noteForm = page.getByTestId('note-form');
    const next = `E2E 下次 ${testInfo.project.name} ${Date.now()}`;
    await noteForm.locator('textarea[name="text"]').fill(`E2E 跟进并约下次 ${Date.now()}`);
    await noteForm.locator('input[name="due"]').fill(beijing(1, '10:00'));
    await noteForm.locator('input[name="plan"]').fill(next);
    await page.getByTestId('note-submit').click();
    await expect(page).toHaveURL(/f_done=note/);
    await expect(page.getByTestId('plan-text')).toHaveText(next);
    await expect(page.getByTestId('plan-due')).toHaveText(beijing(1, '10:00').replace('T', ' '));
    await screenshot(page, testInfo, 'customer-next-follow-up');

    await open(page, testInfo, '/');
    await expect(page.getByTestId('today-due').locator(`[data-key="${SEED_JUZI}"]`)).toHaveCount(0);

    // Done: the section says so.
    await open(page, testInfo, customer);
    await page.getByTestId('plan-complete').click();
    await expect(page.getByTestId('plan-done')).toContainText(next);
  });
});
