/** Small response helpers shared by the routes: JSON bodies, CORS for the site, request ids. */
import type { Env } from "./env";

export function requestId(request: Request): string {
  const given = request.headers.get("x-request-id");
  // Accept a caller's id only when it is short and plain, so it is safe to log and echo.
  if (given && /^[A-Za-z0-9._-]{8,64}$/.test(given)) return given;
  return crypto.randomUUID();
}

export function corsHeaders(request: Request, env: Env): Record<string, string> {
  const origin = request.headers.get("origin");
  if (!origin || origin !== env.SITE_ORIGIN) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type, idempotency-key, x-request-id",
    "access-control-max-age": "600",
    vary: "origin",
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

export function seeOther(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...headers } });
}
