import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { upstreamBreaker } from "../src/breaker";
import { LIMITS } from "../src/contact";
import { call, fakeUpstream, postJson, VALID } from "./helpers";

beforeEach(() => upstreamBreaker.success());

describe("POST /api/contact: happy path", () => {
  it("delivers a JSON submission to the upstream and answers 202", async () => {
    const { calls } = fakeUpstream(() => new Response("ok", { status: 201 }));
    const response = await postJson(VALID);
    expect(response.status).toBe(202);
    const receipt = await response.json<{ id: string; status: string }>();
    expect(receipt.status).toBe("delivered");
    expect(calls).toHaveLength(1);
    const sent = calls[0]!;
    expect(sent.url).toBe("https://upstream.test/contact");
    expect(sent.headers.get("authorization")).toBe("Bearer test-token");
    expect(sent.headers.get("idempotency-key")).toBe(receipt.id);
    expect(JSON.parse(sent.body)).toMatchObject({ id: receipt.id, ...VALID });
  });

  it("takes a plain HTML form post (no JavaScript) and redirects to the thank-you page", async () => {
    fakeUpstream(() => new Response("ok"));
    const form = new URLSearchParams({ ...VALID, email: "bo@example.com" });
    const response = await call("/api/contact", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/contact/sent/");
  });

  it("answers a repeated Idempotency-Key with the first receipt and delivers once", async () => {
    const { calls } = fakeUpstream(() => new Response("ok"));
    const headers = { "idempotency-key": "order-2026-0001" };
    const first = await postJson({ ...VALID, message: "idempotent one" }, headers);
    const second = await postJson({ ...VALID, message: "idempotent one" }, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
    expect(calls).toHaveLength(1);
  });

  it("treats a double-clicked form (same content, no key) as one submission", async () => {
    const { calls } = fakeUpstream(() => new Response("ok"));
    const body = { ...VALID, message: "double click" };
    await postJson(body);
    const again = await postJson(body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(calls).toHaveLength(1);
  });
});

describe("POST /api/contact: malformed input", () => {
  const cases: [string, unknown, string][] = [
    ["not JSON", "{not json", "body"],
    ["a JSON array", [VALID], "body"],
    ["no name", { email: VALID.email, message: VALID.message }, "name"],
    ["a blank name", { ...VALID, name: "   " }, "name"],
    ["a name that is a number", { ...VALID, name: 42 }, "name"],
    ["an invalid email", { ...VALID, email: "ana at example" }, "email"],
    ["an overlong email", { ...VALID, email: `${"a".repeat(250)}@example.com` }, "email"],
    ["no message", { name: VALID.name, email: VALID.email }, "message"],
    ["an overlong message", { ...VALID, message: "m".repeat(LIMITS.message + 1) }, "message"],
  ];

  it.each(cases)("rejects %s with 400 naming the field", async (_, body, field) => {
    const { calls } = fakeUpstream(() => new Response("ok"));
    const response = await postJson(body);
    expect(response.status).toBe(400);
    const error = await response.json<{ field: string; error: string }>();
    expect(error.field).toBe(field);
    expect(error.error).toContain(field === "body" ? "body" : field);
    expect(calls).toHaveLength(0);
  });

  it("rejects a body that is neither JSON nor a form", async () => {
    const response = await call("/api/contact", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect(response.status).toBe(400);
  });

  it("sends an invalid form post back to the form, naming the field", async () => {
    const response = await call("/api/contact", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...VALID, email: "nope" }).toString(),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/contact/#invalid-email");
  });

  it("refuses bodies over 16 kB before reading them", async () => {
    const response = await postJson({ ...VALID, message: "x".repeat(20_000) });
    expect(response.status).toBe(413);
  });

  it("refuses GET", async () => {
    expect((await call("/api/contact")).status).toBe(405);
  });
});

describe("POST /api/contact: rate limit", () => {
  it("answers 429 with Retry-After once a client exceeds the write limit", async () => {
    fakeUpstream(() => new Response("ok"));
    const statuses: number[] = [];
    for (let n = 0; n < 7; n++) {
      const response = await call("/api/contact", {
        method: "POST",
        ip: "198.51.100.7",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...VALID, message: `rate ${n}` }),
      });
      statuses.push(response.status);
      if (response.status === 429) expect(response.headers.get("retry-after")).toBe("60");
    }
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("configuration", () => {
  it("binds a queue, a KV namespace and a rate limiter", () => {
    expect(env.CONTACT_QUEUE).toBeDefined();
    expect(env.CONTACT_STORE).toBeDefined();
    expect(env.CONTACT_RATE_LIMIT).toBeDefined();
    expect(vi.isMockFunction(globalThis.fetch)).toBe(false);
  });
});
