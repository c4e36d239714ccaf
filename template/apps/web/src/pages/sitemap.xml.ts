// The sitemap lists every page in src/pages, so a new page appears in it without anyone
// remembering to add it. Not listed: the 404 page, endpoints, and pages marked noindex.
import type { APIRoute } from "astro";

const sources = import.meta.glob("./**/*.{astro,md}", { query: "?raw", import: "default", eager: true });
const pages = Object.entries(sources)
  .filter(([, source]) => !/<Base[^>]*\snoindex\b/.test(String(source)))
  .map(([file]) => file)
  .map((file) => file.replace(/^\.\//, "/").replace(/(index)?\.(astro|md)$/, ""))
  .filter((path) => !path.includes("[") && path !== "/404")
  .map((path) => (path.endsWith("/") ? path : `${path}/`))
  .sort();

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export const GET: APIRoute = ({ site }) => {
  const urls = pages.map((path) => `  <url><loc>${escape(new URL(path, site).href)}</loc></url>`).join("\n");
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8" } });
};
