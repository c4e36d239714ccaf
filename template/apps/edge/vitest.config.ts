// Tests run inside workerd, the runtime Cloudflare runs in production, with the bindings of
// wrangler.jsonc (local queue, KV and rate limiter). The upstream is faked per test.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          CONTACT_UPSTREAM_URL: "https://upstream.test/contact",
          CONTACT_UPSTREAM_TOKEN: "test-token",
          UPSTREAM_TIMEOUT_MS: "100",
          UPSTREAM_BACKOFF_MS: "1",
        },
      },
    }),
  ],
  // The Worker logs a JSON line per event: show them only for failing tests.
  test: { restoreMocks: true, silent: "passed-only" },
});
