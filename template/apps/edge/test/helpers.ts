import { exports } from "cloudflare:workers";
import { vi } from "vitest";

export const SITE = "http://localhost:4321";
export const VALID = { name: "Ana Lima", email: "ana@example.com", message: "Hello, I would like a quote." };

let client = 0;

/** A request to the Worker from a fresh client address, so the write rate limit stays out of the way. */
export function call(path: string, init: RequestInit & { ip?: string } = {}): Promise<Response> {
  client += 1;
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", init.ip ?? `192.0.2.${client % 250}:${client}`);
  return exports.default.fetch(new Request(`https://site.test${path}`, { ...init, headers }));
}

export function postJson(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call("/api/contact", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export interface UpstreamCall {
  url: string;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

/**
 * Replaces the upstream with `handler`; every call is recorded. Bodies are read here, inside
 * the Worker's request, because workerd forbids reading them later from the test's context.
 */
export function fakeUpstream(handler: (request: Request, n: number) => Promise<Response> | Response) {
  const calls: UpstreamCall[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const body = await request.clone().text();
    calls.push({ url: request.url, headers: request.headers, body, signal: request.signal });
    return handler(request, calls.length);
  });
  return { calls, spy };
}

/** An upstream that never answers: only the Worker's timeout (AbortSignal) ends the call. */
export function hangingUpstream(request: Request): Promise<Response> {
  return new Promise((_, reject) => {
    request.signal.addEventListener("abort", () => reject(request.signal.reason));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
