// Drives Debian's chromium (puppeteer-core) through the pages named in SPEC.json: network
// log, DOM text, axe-core, screenshots, and Lighthouse on a few; results to SPEC's "results".
// Run by harness.py inside a network namespace with only loopback up.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";
import lighthouse from "lighthouse";

const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const browser = await puppeteer.launch({
  executablePath: spec.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
  userDataDir: spec.profile,
});
const debugPort = Number(new URL(browser.wsEndpoint()).port);
const results = { pages: {}, requests: [], lighthouse: {}, screenshots: [], seconds: {} };
let started = Date.now();
const lap = (name) => { results.seconds[name] = (Date.now() - started) / 1000; started = Date.now(); };
const record = (page) => page.on("request", (r) => results.requests.push(r.url()));
try {
  for (const path of spec.pages) {
    const page = await browser.newPage();
    record(page);
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(spec.base + path, { waitUntil: "networkidle0" });
    const dom = await page.evaluate(() => ({
      lang: document.documentElement.lang, dir: document.documentElement.dir,
      main: document.querySelector("main")?.textContent ?? "",
      title: document.title,
      switcher: [...document.querySelectorAll("nav.languages li")].map((li) => ({
        lang: li.querySelector("a").getAttribute("lang"),
        href: li.querySelector("a").getAttribute("href"), text: li.textContent })),
      fonts: [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family),
    }));
    results.pages[path] = { ...dom, errors };
    await page.close();
  }
  lap("pages");
  // axe-core: injected past the page's CSP (which allows no script at all)
  for (const path of spec.axe) {
    const page = await browser.newPage();
    record(page);
    await page.setBypassCSP(true);
    await page.goto(spec.base + path, { waitUntil: "networkidle0" });
    await page.addScriptTag({ content: axeSource });
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });
    results.pages[path] = { ...(results.pages[path] || {}), axe: found };
    await page.close();
  }
  lap("axe");
  mkdirSync(spec.screenshots, { recursive: true });
  for (const shot of spec.shots) {
    const page = await browser.newPage();
    record(page);
    await page.setViewport({ width: shot.width, height: 800, deviceScaleFactor: 1 });
    await page.goto(spec.base + shot.path, { waitUntil: "networkidle0" });
    await page.evaluate(() => document.fonts.ready);
    const file = `${spec.screenshots}/${shot.name}.png`;
    await page.screenshot({ path: file, fullPage: true });
    results.screenshots.push(file);
    await page.close();
  }
  lap("screenshots");
  for (const path of spec.lighthouse) {
    const run = await lighthouse(spec.base + path, {
      port: debugPort, output: "json", logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    });
    const lhr = run.lhr;
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative"
              && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable")
      .map((a) => `${a.id}: ${a.score} ${a.explanation ?? a.displayValue ?? ""}`
        + (a.details?.items ? ` ${JSON.stringify(a.details.items.slice(0, 3))}` : ""));
    const network = (lhr.audits["network-requests"]?.details?.items ?? []).map((i) => i.url);
    results.requests.push(...network);
    results.lighthouse[path] = {
      scores: Object.fromEntries(Object.entries(lhr.categories).map(([k, c]) => [k, c.score])),
      failing, runtimeError: lhr.runtimeError?.message ?? null,
    };
  }
  lap("lighthouse");
} finally {
  await browser.close();
}
writeFileSync(spec.results, JSON.stringify(results, null, 1));
