import { expect, Page } from '@playwright/test';

export const PASSWORD = 'northwind-demo';
export const ADMIN = 'admin@northwind.example';

/** Signs in through the form and waits until the app has hydrated. */
export async function signIn(page: Page, email: string, next = '/') {
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
}

/** Opens the enterprise map from the home page. */
export async function openEnterpriseMap(page: Page) {
  await page.getByRole('link', { name: 'Northwind Strategy 2025–2027' }).click();
  await expect(page.getByRole('img', { name: /Strategy map Northwind Strategy/ })).toBeVisible();
}
