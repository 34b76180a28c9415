// Audits one HTML report in Debian's Chromium: axe-core's accessibility rules at a
// desktop and a phone width, sideways scrolling on the phone, a screenshot at each
// width and the page printed to an A4 PDF. Prints one JSON object; tests/browser.rs
// reads it. Usage: node audit.mjs REPORT.html OUT_DIR NAME
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [page_, outDir, name] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const url = "file://" + resolve(page_);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const result = { widths: {}, pdf: null };
try {
  for (const [label, width] of [["desktop", 1366], ["phone", 390]]) {
    // The page's policy allows its own script only; axe is added by the test harness.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const requests = [];
    page.on("request", (r) => { if (!r.url().startsWith("file://")) requests.push(r.url()); });
    await page.goto(url);
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
        nodes: v.nodes.length,
      }));
    });
    const sideways = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const shot = join(outDir, `${name}-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    result.widths[label] = { width, violations: axe, sideways, requests, screenshot: shot };
    if (label === "desktop") {
      const pdf = join(outDir, `${name}.pdf`);
      await page.emulateMedia({ media: "print" });
      await page.pdf({ path: pdf, format: "A4", printBackground: true });
      const printWidth = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
      result.pdf = { path: pdf, sideways: printWidth };
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
