/**
 * Idempotency for writes: a retried or double-clicked submission returns the first answer
 * instead of creating a second one. The key is the client's Idempotency-Key header, or a hash
 * of the submission when there is none (a plain form post cannot set headers).
 */
import type { Env, Submission } from "./env";

const TTL_SECONDS = 24 * 60 * 60;
const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface Receipt {
  id: string;
  status: "delivered" | "queued";
}

export async function idempotencyKey(request: Request, submission: Submission): Promise<string> {
  const given = request.headers.get("idempotency-key");
  if (given && KEY.test(given)) return `key:${given}`;
  const bytes = new TextEncoder().encode(JSON.stringify([submission.name, submission.email, submission.message]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export async function recall(env: Env, key: string): Promise<Receipt | null> {
  return env.CONTACT_STORE.get<Receipt>(`idem:${key}`, "json");
}

export async function remember(env: Env, key: string, receipt: Receipt): Promise<void> {
  await env.CONTACT_STORE.put(`idem:${key}`, JSON.stringify(receipt), { expirationTtl: TTL_SECONDS });
}
