// The queue consumers, driven the way Cloudflare drives them: a message is retried until the
// upstream takes it; after max_retries it reaches the dead-letter queue and is kept in KV.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { upstreamBreaker } from "../src/breaker";
import worker from "../src/index";
import type { QueuedSubmission } from "../src/env";
import { retryDelay } from "../src/queue";
import { fakeUpstream, VALID } from "./helpers";

const QUEUE = "example-edge-dev-contact"; // the consumer tells the DLQ by its "-dlq" suffix
const DLQ = `${QUEUE}-dlq`;
const MAX_RETRIES = 10; // wrangler.jsonc: consumers[0].max_retries

function item(n: number): QueuedSubmission {
  return { id: `sub-${n}-${crypto.randomUUID()}`, requestId: `req-${n}`, receivedAt: new Date(0).toISOString(), submission: VALID };
}

async function run(queue: string, items: QueuedSubmission[], attempts = 1) {
  const batch = createMessageBatch<QueuedSubmission>(
    queue,
    items.map((body) => ({ id: body.id, timestamp: new Date(), attempts, body })),
  );
  // getQueueResult reports which messages were retried; the spies see the delay asked for.
  const retries = batch.messages.map((message) => vi.spyOn(message, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  const delays = retries.flatMap((spy) => spy.mock.calls.map(([options]) => options?.delaySeconds));
  return { ...result, delays };
}

beforeEach(() => upstreamBreaker.success());

describe("contact queue consumer", () => {
  it("acknowledges a message once the upstream takes it", async () => {
    const { calls } = fakeUpstream(() => new Response("ok"));
    const message = item(1);
    const result = await run(QUEUE, [message]);
    expect(result.explicitAcks).toEqual([message.id]);
    expect(result.retryMessages).toEqual([]);
    expect(calls[0]!.headers.get("idempotency-key")).toBe(message.id);
  });

});

describe("upstream faults on the queue", () => {
  it("retries with a growing delay while the upstream is down (5xx, timeout, network)", async () => {
    const faults = [
      () => new Response("", { status: 500 }),
      () => {
        throw new TypeError("Network connection lost.");
      },
    ];
    for (const fault of faults) {
      fakeUpstream(fault);
      const message = item(2);
      const result = await run(QUEUE, [message], 3);
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages.map((m) => m.msgId)).toEqual([message.id]);
      expect(result.delays).toEqual([retryDelay(3)]);
      upstreamBreaker.success();
    }
    expect(retryDelay(1)).toBe(30);
    expect(retryDelay(2)).toBe(60);
    expect(retryDelay(20)).toBe(900);
  });

  it("dead-letters at once what the upstream refuses (4xx), keeping it in KV", async () => {
    fakeUpstream(() => new Response("", { status: 400 }));
    const message = item(3);
    const result = await run(QUEUE, [message]);
    expect(result.explicitAcks).toEqual([message.id]);
    const kept = await env.CONTACT_STORE.get<{ id: string; reason: string }>(`dead:${message.id}`, "json");
    expect(kept).toMatchObject({ id: message.id, reason: "rejected by upstream" });
  });

  it("handles a mixed batch message by message", async () => {
    const items = [item(4), item(5), item(6)];
    fakeUpstream(async (request) => {
      const { id } = await request.json<{ id: string }>();
      return new Response("", { status: id === items[1]!.id ? 503 : 200 });
    });
    const result = await run(QUEUE, items);
    expect(result.explicitAcks.sort()).toEqual([items[0]!.id, items[2]!.id].sort());
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([items[1]!.id]);
  });
});

describe("dead-letter queue consumer", () => {
  it("keeps every dead-lettered submission in KV and acknowledges it", async () => {
    const message = item(7);
    const result = await run(DLQ, [message], MAX_RETRIES);
    expect(result.explicitAcks).toEqual([message.id]);
    const kept = await env.CONTACT_STORE.get<QueuedSubmission & { reason: string }>(`dead:${message.id}`, "json");
    expect(kept?.submission).toEqual(VALID);
    expect(kept?.reason).toContain(`${MAX_RETRIES} attempts`);
  });
});

describe("upstream faults: no submission is dropped", () => {
  it("every message ends delivered or dead-lettered, whatever the upstream does", async () => {
    // Simulate the queue: each round redelivers what was retried, until max_retries moves it to the DLQ.
    const items = Array.from({ length: 40 }, (_, n) => item(100 + n));
    const delivered = new Set<string>();
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    fakeUpstream(async (request) => {
      const { id } = await request.json<{ id: string }>();
      const roll = random();
      if (roll < 0.45) return new Response("", { status: 503 });
      if (roll < 0.6) throw new TypeError("Network connection lost.");
      if (roll < 0.65) return new Response("", { status: 422 });
      delivered.add(id);
      return new Response("ok");
    });
    let pending = items;
    const acked = new Set<string>();
    const toDlq: QueuedSubmission[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      upstreamBreaker.success();
      const result = await run(QUEUE, pending, attempt);
      for (const id of result.explicitAcks) acked.add(id);
      const retried = new Set(result.retryMessages.map((m) => m.msgId));
      expect(result.explicitAcks.length + retried.size).toBe(pending.length);
      const next = pending.filter((m) => retried.has(m.id));
      if (attempt > MAX_RETRIES) {
        toDlq.push(...next);
        break;
      }
      pending = next;
    }
    await run(DLQ, toDlq, MAX_RETRIES + 1);
    for (const message of items) {
      const dead = await env.CONTACT_STORE.get(`dead:${message.id}`);
      expect(delivered.has(message.id) || dead !== null, `${message.id} was dropped`).toBe(true);
    }
    expect(delivered.size).toBeGreaterThan(0);
  });
});
