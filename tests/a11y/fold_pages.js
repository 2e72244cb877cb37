// At 320 pixels wide, list the table cells and captions a person would have to scroll
// sideways to see (inside a scrolling box or off the page). Usage:
// node fold_pages.js BASE_URL EMAIL PASSWORD PATH...   Prints one JSON line per page.
const { chromium } = require('playwright-core');
const { signIn } = require('./sign_in');

(async () => {
  const [base, email, password, ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = await (await browser.newContext({ viewport: { width: 320, height: 800 } })).newPage();
  try {
    await page.goto(base + '/sign-in');
    await signIn(page, base, email, password);
    for (const path of paths) {
      await page.goto(base + path);
      // Open every "details" so earlier periods' tables are measured too.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      const hidden = await page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll('main caption, main th, main td')) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 || getComputedStyle(el).display === 'none') continue;
          let box = el.parentElement;
          while (box && box !== document.body) {
            const b = box.getBoundingClientRect();
            if (box.scrollWidth > box.clientWidth + 1 && r.right > b.right + 1) break;
            box = box.parentElement;
          }
          const clipped = box && box !== document.body;
          if (clipped || r.right > window.innerWidth + 1) {
            out.push(`${el.tagName.toLowerCase()}: ${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 60)}`);
          }
        }
        return out.slice(0, 10);
      });
      console.log(JSON.stringify({ page: path, hidden }));
    }
  } finally {
    await browser.close();
  }
})().catch((err) => { console.error(String(err)); process.exit(1); });
