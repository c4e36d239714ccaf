/** Delivery of a submission to the upstream: a timeout per attempt, bounded retries, backoff with jitter. */
import { upstreamBreaker, type CircuitBreaker } from "./breaker";
import type { Env, QueuedSubmission } from "./env";
import { log } from "./log";

export type Outcome = "delivered" | "rejected" | "failed" | "circuit_open" | "unconfigured";

export interface DeliveryOptions {
  /** Attempts after the first; the queue consumer passes 0 and lets the queue retry. */
  retries: number;
  breaker?: CircuitBreaker;
}

function setting(value: string | undefined, fallback: number): number {
  const parsed = Number.parseInt(value ?? "", 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

/** Full jitter: a random wait up to base * 2^attempt, so clients that failed together spread out. */
export function backoff(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * baseMs * 2 ** attempt);
}

async function attempt(item: QueuedSubmission, env: Env, timeoutMs: number): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "idempotency-key": item.id,
    "x-request-id": item.requestId,
  };
  if (env.CONTACT_UPSTREAM_TOKEN) headers.authorization = `Bearer ${env.CONTACT_UPSTREAM_TOKEN}`;
  return fetch(env.CONTACT_UPSTREAM_URL!, {
    method: "POST",
    headers,
    body: JSON.stringify({ id: item.id, receivedAt: item.receivedAt, ...item.submission }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export async function deliver(item: QueuedSubmission, env: Env, options: DeliveryOptions): Promise<Outcome> {
  const breaker = options.breaker ?? upstreamBreaker;
  if (!env.CONTACT_UPSTREAM_URL) return "unconfigured";
  const timeoutMs = setting(env.UPSTREAM_TIMEOUT_MS, 3000);
  const baseMs = setting(env.UPSTREAM_BACKOFF_MS, 200);
  for (let n = 0; n <= options.retries; n++) {
    if (!breaker.allows()) return "circuit_open";
    if (n > 0) await new Promise((resolve) => setTimeout(resolve, backoff(n, baseMs)));
    try {
      const response = await attempt(item, env, timeoutMs);
      await response.body?.cancel();
      if (response.ok) {
        breaker.success();
        return "delivered";
      }
      // A 4xx other than 408/429 will not get better by retrying: the upstream refused this body.
      if (response.status < 500 && response.status !== 408 && response.status !== 429) {
        log("error", "upstream.rejected", { id: item.id, requestId: item.requestId, status: response.status });
        return "rejected";
      }
      breaker.failure();
      log("warn", "upstream.error", { id: item.id, requestId: item.requestId, status: response.status, attempt: n });
    } catch (error) {
      breaker.failure();
      const reason = error instanceof Error ? error.name : "unknown";
      log("warn", "upstream.unreachable", { id: item.id, requestId: item.requestId, reason, attempt: n });
    }
  }
  return "failed";
}
