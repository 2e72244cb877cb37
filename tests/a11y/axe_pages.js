// Sign in and run axe-core (WCAG 2.2 A and AA) on each page in Debian's headless Chromium,
// then look at the page 320 pixels wide (WCAG 1.4.10 Reflow: a phone, or a desktop zoomed to
// 400%) and measure how far it spills sideways (wide tables must scroll in their own box).
// Usage: node axe_pages.js BASE_URL EMAIL PASSWORD PATH...   Prints one JSON line per page.
const { chromium } = require('playwright-core');
const { signIn } = require('./sign_in');
const fs = require('fs');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 320, height: 800 };

(async () => {
  const [base, email, password, ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Our CSP (rightly) refuses injected scripts; the test browser is allowed to add axe.
  const context = await browser.newContext({ bypassCSP: true, viewport: WIDE });
  const page = await context.newPage();
  const check = async (label) => {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async (rules) => await axe.run(document, { runOnly: rules }), RULES);
    const violations = result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3),
    }));
    await page.setViewportSize(NARROW);
    const reflow = await page.evaluate((limit) => {
      const width = document.documentElement.scrollWidth;
      const spill = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > limit + 1)
        .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      return { width, spill };
    }, NARROW.width);
    await page.setViewportSize(WIDE);
    console.log(JSON.stringify({ page: label, url: page.url(), violations, reflow }));
  };
  try {
    await page.goto(base + '/sign-in');
    await check('/sign-in');
    await signIn(page, base, email, password);
    for (const path of paths) {
      if (path.startsWith('submit:')) {  // a form sent empty, to check its error state
        await page.goto(base + path.slice(7));
        await page.click('main button[type=submit]');
        await check(path);
      } else {
        await page.goto(base + path);
        await check(path);
      }
    }
  } finally {
    await browser.close();
  }
})().catch((err) => { console.error(String(err)); process.exit(1); });
