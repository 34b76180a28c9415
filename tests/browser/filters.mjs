// Works the report's filters in Debian's Chromium and reads back what they show.
// Prints one JSON object; tests/browser.rs checks it. Usage: node filters.mjs REPORT.html
import { chromium } from "playwright-core";
import { resolve } from "node:path";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
// What the page shows now: visible notes by rule and document, marks still lit, the
// status line, the contents' counts, documents shown, and body blocks shown.
const look = (page) => page.evaluate(() => {
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const notes = [...document.querySelectorAll("article.doc li.note")].filter(visible)
    .map((li) => ({ rule: li.getAttribute("data-rule"), doc: li.closest("article.doc").id }));
  const lit = [...document.querySelectorAll("article.doc mark")].filter((m) => !m.classList.contains("off") && visible(m)).length;
  const blocks = [...document.querySelectorAll("article.doc .doc-body > *")]
    .filter((c) => !/^H[1-6]$/.test(c.tagName) && !c.classList.contains("notes"));
  return {
    notes,
    lit,
    status: document.getElementById("f-status").textContent,
    counts: [...document.querySelectorAll("nav .count[data-doc]")].map((s) => [s.getAttribute("data-doc"), s.textContent]),
    docs: [...document.querySelectorAll("article.doc")].filter(visible).map((a) => a.id),
    blocksShown: blocks.filter(visible).length,
    blocksWithoutMarks: blocks.filter((c) => visible(c) && !c.querySelector("mark:not(.off)")).length,
  };
});
const out = {};
try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto("file://" + resolve(process.argv[2]));
  out.start = await look(page);
  await page.selectOption("#f-rule", "service-credits");
  out.rule = await look(page);
  await page.selectOption("#f-rule", "");
  await page.uncheck("#filters input[value=warning]");
  await page.uncheck("#filters input[value=info]");
  out.errors = await look(page);
  await page.check("#filters input[value=warning]");
  await page.check("#filters input[value=info]");
  const first = await page.$eval("#f-file option:nth-child(2)", (o) => o.value);
  await page.selectOption("#f-file", first);
  out.file = { id: first, ...(await look(page)) };
  await page.selectOption("#f-file", "");
  await page.check("#f-only");
  out.only = await look(page);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
