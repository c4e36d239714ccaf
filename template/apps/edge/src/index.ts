/**
 * The project's API on Cloudflare Workers, served under /api/* of the site's host.
 *
 *   GET  /api/health   liveness: status, version and commit of the deployed Worker
 *   POST /api/contact  a contact submission, as JSON or as a plain HTML form post
 *
 * A submission is delivered to the upstream right away when it can be; otherwise it goes to
 * the contact queue and the answer is still 202: the queue consumer retries it, and after
 * max_retries it is dead-lettered and kept. It is never dropped.
 */
import { isFormPost, readBody, validate } from "./contact";
import type { Env, QueuedSubmission } from "./env";
import { corsHeaders, json, requestId, seeOther } from "./http";
import { idempotencyKey, recall, remember, type Receipt } from "./idempotency";
import { log } from "./log";
import { consumeContacts, consumeDeadLetters } from "./queue";
import { deliver } from "./upstream";

const MAX_BODY_BYTES = 16 * 1024;

function health(env: Env): Response {
  return json(200, { status: "ok", version: env.VERSION, commit: env.COMMIT || "unknown" });
}

async function contact(request: Request, env: Env, id: string, cors: Record<string, string>): Promise<Response> {
  const form = isFormPost(request);
  const headers = { ...cors, "x-request-id": id };
  const client = request.headers.get("cf-connecting-ip") ?? "unknown";
  const { success } = await env.CONTACT_RATE_LIMIT.limit({ key: client });
  if (!success) {
    log("warn", "contact.rate_limited", { requestId: id });
    return json(429, { error: "too many submissions, try again in a minute" }, { ...headers, "retry-after": "60" });
  }
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return json(413, { error: "body too large", field: "body" }, headers);

  const parsed = validate(await readBody(request));
  if (!parsed.ok) {
    log("info", "contact.invalid", { requestId: id, field: parsed.field });
    if (form) return seeOther(`/contact/#invalid-${parsed.field}`, headers);
    return json(400, { error: parsed.error, field: parsed.field }, headers);
  }

  const key = await idempotencyKey(request, parsed.submission);
  const previous = await recall(env, key);
  if (previous) {
    if (form) return seeOther("/contact/sent/", headers);
    return json(200, previous, { ...headers, "idempotent-replayed": "true" });
  }

  const item: QueuedSubmission = {
    id: crypto.randomUUID(),
    requestId: id,
    receivedAt: new Date().toISOString(),
    submission: parsed.submission,
  };
  const outcome = await deliver(item, env, { retries: Number.parseInt(env.UPSTREAM_RETRIES, 10) || 0 });
  let receipt: Receipt;
  if (outcome === "delivered") {
    receipt = { id: item.id, status: "delivered" };
  } else {
    try {
      await env.CONTACT_QUEUE.send(item);
    } catch (error) {
      // Neither the upstream nor the queue took it: say so, so the sender can try again.
      log("error", "contact.enqueue_failed", { id: item.id, requestId: id, outcome, error: String(error) });
      return json(503, { error: "the submission could not be stored, try again shortly" }, { ...headers, "retry-after": "30" });
    }
    receipt = { id: item.id, status: "queued" };
  }
  await remember(env, key, receipt);
  log("info", "contact.accepted", { id: item.id, requestId: id, outcome });
  if (form) return seeOther("/contact/sent/", headers);
  return json(202, receipt, headers);
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    const id = requestId(request);
    const cors = corsHeaders(request, env);
    const started = Date.now();
    let response: Response;
    try {
      if (request.method === "OPTIONS" && url.pathname.startsWith("/api/")) {
        response = new Response(null, { status: 204, headers: cors });
      } else if (url.pathname === "/api/health") {
        response = request.method === "GET" || request.method === "HEAD"
          ? health(env)
          : json(405, { error: "method not allowed" }, { allow: "GET, HEAD" });
      } else if (url.pathname === "/api/contact") {
        response = request.method === "POST"
          ? await contact(request, env, id, cors)
          : json(405, { error: "method not allowed" }, { allow: "POST, OPTIONS" });
      } else {
        response = json(404, { error: "not found" });
      }
    } catch (error) {
      log("error", "request.failed", { requestId: id, path: url.pathname, error: String(error) });
      response = json(500, { error: "internal error", requestId: id });
    }
    response.headers.set("x-request-id", id);
    for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
    log("info", "request", {
      requestId: id,
      method: request.method,
      path: url.pathname,
      status: response.status,
      durationMs: Date.now() - started,
    });
    return response;
  },

  async queue(batch, env, _ctx): Promise<void> {
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumeContacts(batch, env);
  },
} satisfies ExportedHandler<Env, QueuedSubmission>;
