import { describe, expect, it } from "vitest";
import { call, SITE } from "./helpers";

describe("GET /api/health", () => {
  it("answers 200 with status, version and commit", async () => {
    const response = await call("/api/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = await response.json<Record<string, string>>();
    expect(body).toEqual({ status: "ok", version: "0.1.0", commit: "unknown" });
  });

  it("gives every response a request id, and keeps a well-formed one from the caller", async () => {
    const generated = await call("/api/health");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await call("/api/health", { headers: { "x-request-id": "trace-12345678" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-12345678");
    const replaced = await call("/api/health", { headers: { "x-request-id": "bad id with spaces" } });
    expect(replaced.headers.get("x-request-id")).not.toContain("bad");
  });

  it("refuses other methods and unknown paths", async () => {
    expect((await call("/api/health", { method: "POST" })).status).toBe(405);
    expect((await call("/api/nothing-here")).status).toBe(404);
  });

  it("allows CORS for the site's origin only", async () => {
    const ours = await call("/api/contact", { method: "OPTIONS", headers: { origin: SITE } });
    expect(ours.status).toBe(204);
    expect(ours.headers.get("access-control-allow-origin")).toBe(SITE);
    const theirs = await call("/api/contact", { method: "OPTIONS", headers: { origin: "https://evil.test" } });
    expect(theirs.headers.get("access-control-allow-origin")).toBeNull();
  });
});
