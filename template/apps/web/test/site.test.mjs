// End-to-end test of the built site in headless Chromium: every page reachable from the home
// page loads, every internal link resolves, no page requests JavaScript, and nothing is logged
// to the console as an error. Run after `astro build` (make web-test does both).
import assert from "node:assert/strict";
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

const DIST = new URL("../dist/", import.meta.url).pathname;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain",
};
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Serves dist/ the way Cloudflare does: /path/ -> path/index.html, unknown -> 404.html with 404. */
function serve() {
  return createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    let file = join(DIST, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    const found = file.startsWith(DIST) && existsSync(file) && statSync(file).isFile();
    if (!found) file = join(DIST, "404.html");
    response.writeHead(found ? 200 : 404, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
}

let server;
let browser;
let origin;

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), "dist/index.html is missing: run `npm run build` first");
  server = serve();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Loads `path` and returns what the page requested, logged, and links to. */
async function visit(path) {
  const page = await browser.newPage();
  const requests = [];
  const errors = [];
  const url = origin + path;
  page.on("request", (request) => requests.push(request));
  // Chromium logs every failed load as a console error; failed subresources are reported
  // below by URL instead, so the 404 page's own status is not an error.
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400 && response.url() !== url) errors.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => errors.push(`failed ${request.url()}`));
  const response = await page.goto(url, { waitUntil: "load" });
  const links = await page.$$eval("a[href]", (anchors) => anchors.map((a) => a.href));
  const forms = await page.$$eval("form", (all) => all.map((f) => ({ method: f.method, action: f.getAttribute("action") })));
  const hasMain = (await page.$("main#main")) !== null;
  const title = await page.title();
  await page.close();
  return { status: response.status(), requests, errors, links, forms, hasMain, title };
}

/** Every built page as a URL path: dist/a/b/index.html -> /a/b/ (404.html is tested on its own). */
function builtPages() {
  return readdirSync(DIST, { recursive: true })
    .filter((file) => file.endsWith("index.html"))
    .map((file) => `/${file.slice(0, -"index.html".length)}`)
    .sort();
}

test("every built page and every page it links to loads, ships no JavaScript and logs no error", async () => {
  const queue = builtPages();
  assert.ok(queue.includes("/"), "the build has no home page");
  const seen = new Set(queue);
  while (queue.length > 0) {
    const path = queue.shift();
    const result = await visit(path);
    assert.equal(result.status, 200, `${path} answered ${result.status}`);
    assert.deepEqual(result.errors, [], `${path} logged errors`);
    assert.ok(result.hasMain, `${path} has no <main id="main"> (the skip link's target)`);
    assert.ok(result.title.length > 0, `${path} has no title`);
    const scripts = result.requests.filter((r) => r.resourceType() === "script" || r.url().endsWith(".js"));
    assert.deepEqual(scripts.map((r) => r.url()), [], `${path} requested JavaScript`);
    for (const form of result.forms) {
      assert.equal(form.method, "post", `${path}: forms post without JavaScript`);
      assert.ok(form.action?.startsWith("/"), `${path}: forms post to the site's own origin`);
    }
    for (const link of result.links) {
      const url = new URL(link);
      if (url.origin !== origin || seen.has(url.pathname)) continue;
      seen.add(url.pathname);
      queue.push(url.pathname);
    }
  }
  assert.ok(seen.size >= 1);
  console.log(`pages visited: ${[...seen].join(" ")}`);
});

test("an unknown path gets the 404 page, with a way home", async () => {
  const result = await visit("/no-such-page/");
  assert.equal(result.status, 404);
  assert.ok(result.links.some((link) => new URL(link).pathname === "/"));
  assert.deepEqual(result.errors, []);
});

test("robots.txt points to a sitemap that lists the home page", async () => {
  const robots = await fetch(`${origin}/robots.txt`).then((r) => r.text());
  assert.match(robots, /^Sitemap: .+\/sitemap\.xml$/m);
  const sitemap = await fetch(`${origin}/sitemap.xml`).then((r) => r.text());
  assert.match(sitemap, /<loc>[^<]+\/<\/loc>/);
});
