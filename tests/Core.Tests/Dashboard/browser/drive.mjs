// Drives Debian's Chromium (never a downloaded browser) through the History page as an operator would, with the
// keyboard, and prints what the page showed as JSON for the C# test to assert.
// node drive.mjs <chromium> <page url> <mode: read|search|replay> [screenshot path] [batch id]
import { chromium } from 'playwright-core';

const [executablePath, url, mode, screenshot, batchId] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const response = await page.goto(url, { waitUntil: 'load' });
  const text = async (selector) => (await page.locator(selector).count()) ? (await page.locator(selector).first().innerText()).trim() : null;
  const result = { status: response.status(), title: await page.title() };

  if (mode === 'replay') {
    // Keyboard only: focus the batch's Replay button and press Enter; the form posts, the page comes back.
    const button = page.locator(`#dead-letter-grid tr[data-batch-id="${batchId}"] button`);
    result.replayLabel = await button.getAttribute('aria-label');
    await button.focus();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    result.url = page.url();
    result.notice = await text('#notice');
  }

  result.banner = await text('#connection-banner');
  result.connections = await page.locator('#connections tbody tr').evaluateAll(rows => rows.map(r => ({
    name: r.getAttribute('data-connection'),
    mark: r.querySelector('[data-mark]')?.getAttribute('data-mark'),
    reason: r.querySelectorAll('td')[1]?.textContent.trim(),
  })));
  result.runs = await page.locator('#run-grid tbody tr').evaluateAll(rows => rows.map(r => ({
    runId: r.getAttribute('data-run-id'),
    status: r.querySelector('[data-status]')?.getAttribute('data-status'),
    salesforce: r.querySelector('[data-side="salesforce"] span')?.getAttribute('aria-label'),
    app: r.querySelector('[data-side="app"] span')?.getAttribute('aria-label'),
    conflicts: Number(r.querySelector('[data-conflicts]')?.textContent),
    blanks: Number(r.querySelector('[data-blanks]')?.textContent),
    errors: Number(r.querySelector('[data-errors]')?.textContent),
  })));
  result.deadLetterDepth = Number(await page.locator('#dead-letter-depth').getAttribute('data-depth'));
  result.deadLetters = await page.locator('#dead-letter-grid tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-batch-id')));
  result.usage = await text('#api-usage-text');
  result.usageLabel = await page.locator('label[for="api-usage"]').count();
  result.chart = await text('#chart p');
  result.record = (await page.locator('#record-result').count()) ? {
    mark: await page.locator('#record-result [data-mark]').first().getAttribute('data-mark'),
    status: await text('#record-status'),
    salesforceId: await text('#record-salesforce-id'),
    error: await text('#record-error'),
    lastSync: await text('#record-last-sync'),
  } : null;
  // Every form control has a label, every table a caption: what a screen reader announces.
  result.unlabelled = await page.locator('input:not([type=hidden]), select').evaluateAll(els => els.filter(e => !document.querySelector(`label[for="${e.id}"]`)).map(e => e.name));
  result.tablesWithoutCaption = await page.locator('table:not(:has(caption))').count();
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: true });
  }

  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
