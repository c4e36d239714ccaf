/**
 * Queue consumers. The contact queue retries a submission with growing delays until the
 * upstream takes it; after max_retries (wrangler.jsonc) Cloudflare moves it to the dead-letter
 * queue, whose consumer keeps it in KV and logs an error for a person to replay. A message is
 * acknowledged only once it is delivered or stored: nothing accepted is dropped.
 */
import type { Env, QueuedSubmission } from "./env";
import { log } from "./log";
import { deliver } from "./upstream";

const MAX_DELAY_SECONDS = 15 * 60;

/** Exponential delay between queue attempts: 30 s, 60 s, 120 s ... capped at 15 minutes. */
export function retryDelay(attempts: number): number {
  return Math.min(MAX_DELAY_SECONDS, 30 * 2 ** Math.max(0, attempts - 1));
}

export async function deadLetter(env: Env, item: QueuedSubmission, reason: string): Promise<void> {
  const record = { ...item, reason, deadLetteredAt: new Date().toISOString() };
  await env.CONTACT_STORE.put(`dead:${item.id}`, JSON.stringify(record));
  log("error", "contact.dead_lettered", { id: item.id, requestId: item.requestId, reason });
}

export async function consumeContacts(batch: MessageBatch<QueuedSubmission>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const item = message.body;
    try {
      const outcome = await deliver(item, env, { retries: 0 });
      if (outcome === "delivered") {
        log("info", "contact.delivered", { id: item.id, requestId: item.requestId, attempts: message.attempts });
        message.ack();
      } else if (outcome === "rejected") {
        // The upstream refused this body for good: keep it for a person rather than retry forever.
        await deadLetter(env, item, "rejected by upstream");
        message.ack();
      } else {
        log("warn", "contact.retry", { id: item.id, outcome, attempts: message.attempts });
        message.retry({ delaySeconds: retryDelay(message.attempts) });
      }
    } catch (error) {
      log("error", "contact.consumer_error", { id: item.id, error: String(error) });
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

export async function consumeDeadLetters(batch: MessageBatch<QueuedSubmission>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await deadLetter(env, message.body, `undelivered after ${message.attempts} attempts on the contact queue`);
      message.ack();
    } catch (error) {
      log("error", "contact.dead_letter_store_failed", { id: message.body.id, error: String(error) });
      message.retry();
    }
  }
}
