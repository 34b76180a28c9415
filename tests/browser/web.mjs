// The browser page (web/dist/index.html) in Debian's Chromium, opened from file:// with
// its own Content-Security-Policy in force. Each document named is given to the page
// through its file input; we read back the findings the report frame shows
// (li.note[data-rule][data-line]), every request the page made, and the timings the page
// kept. Then, on a fresh page, the time to first findings for TIMED (loading included).
// Prints one JSON object; tests/web.rs reads it.
// Usage: node web.mjs DIST_DIR OUT_DIR TIMED DOCUMENT...
import { chromium } from "playwright-core";
import { basename, join, resolve } from "node:path";

const [dist, outDir, timed, ...documents] = process.argv.slice(2);
const url = "file://" + resolve(dist, "index.html");
const origin = "file://";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const result = { documents: {}, requests: [], problems: [], timing: null };

async function open() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on("request", (r) => {
    const u = r.url();
    // The page's own files, the report frame (about:srcdoc) and the downloads it offers.
    if (!(u.startsWith(origin) || u.startsWith("about:") || u.startsWith("blob:") || u.startsWith("data:"))) {
      result.requests.push(u);
    }
  });
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy/i.test(m.text())) result.problems.push(m.text());
  });
  page.on("pageerror", (e) => result.problems.push(String(e)));
  await page.goto(url);
  return { context, page };
}

// Polls with page.evaluate: waitForFunction compiles its predicate from a string,
// which the page's policy (no 'unsafe-eval') rightly refuses.
async function until(page, test, arg) {
  const end = Date.now() + 20000;
  while (!(await page.evaluate(test, arg))) {
    if (Date.now() > end) throw new Error("timed out waiting for the page: " + test);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function give(page, path) {
  const name = basename(path);
  await page.setInputFiles("#file", path);
  await until(page, (n) => document.body.dataset.name === n && document.body.dataset.state === "shown", name);
  const frame = await (await page.$("#report")).contentFrame();
  const findings = await frame.$$eval("li.note[data-rule]", (els) =>
    els.map((e) => ({ rule: e.dataset.rule, line: e.dataset.line === undefined ? null : Number(e.dataset.line) })));
  const review = await page.$eval("#download-review", (a) => !a.hidden);
  const report = await page.$eval("#download-report", (a) => !a.hidden);
  const verdict = await frame.$$eval("h1, h2", (hs) => hs.length);
  return { findings, downloads: { report, review }, headings: verdict };
}

try {
  const { context, page } = await open();
  await until(page, () => document.body.dataset.state === "ready");
  for (const d of documents) {
    result.documents[d] = await give(page, d);
  }
  // Once the rules are compiled ahead (the page warms them while nothing is asked), the
  // same documents again: the checks then search with the whole groups.
  await until(page, () => document.body.dataset.warm === "done");
  result.warmed = {};
  for (const d of documents) {
    result.warmed[d] = await give(page, d);
  }
  await page.screenshot({ path: join(outDir, "web-page.png"), fullPage: false });
  await context.close();

  // Time to first findings: a fresh page, the 100 KB tender given as soon as the page
  // has loaded; the page's clock starts when navigation starts.
  const fresh = await open();
  const t = await give(fresh.page, timed);
  const times = await fresh.page.evaluate(() => window.tenderlintTimes);
  result.timing = { ...times, findings: t.findings.length };
  await fresh.context.close();

  // The officer's usual case: the page has loaded and warmed up while a file was
  // picked; from the file given to its findings shown.
  const settled = await open();
  await until(settled.page, () => document.body.dataset.warm === "done");
  const w = await give(settled.page, timed);
  const wtimes = await settled.page.evaluate(() => window.tenderlintTimes);
  result.warmTiming = { ...wtimes, findings: w.findings.length };
  await settled.context.close();
} catch (e) {
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
