// Fault injection on the request path: whatever the upstream does, an accepted submission is
// either delivered or on the queue, and the sender gets an answer within the timeout budget.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { CircuitBreaker, upstreamBreaker } from "../src/breaker";
import type { QueuedSubmission } from "../src/env";
import { backoff } from "../src/upstream";
import { fakeUpstream, hangingUpstream, postJson, sleep, VALID } from "./helpers";

let n = 0;
const unique = () => ({ ...VALID, message: `fault case ${++n} ${crypto.randomUUID()}` });

function spyQueue() {
  return vi.spyOn(env.CONTACT_QUEUE, "send");
}

async function receipt(response: Response) {
  return response.json<{ id: string; status: string }>();
}

beforeEach(() => upstreamBreaker.success());

describe("upstream faults", () => {
  it("retries a 5xx (1 + UPSTREAM_RETRIES attempts), then queues the submission", async () => {
    const { calls } = fakeUpstream(() => new Response("down", { status: 503 }));
    const send = spyQueue();
    const response = await postJson(unique());
    expect(response.status).toBe(202);
    const body = await receipt(response);
    expect(body.status).toBe("queued");
    expect(calls).toHaveLength(3);
    expect(send).toHaveBeenCalledTimes(1);
    expect((send.mock.calls[0]![0] as QueuedSubmission).id).toBe(body.id);
  });

  it("recovers when a retry succeeds after a 5xx", async () => {
    const { calls } = fakeUpstream((_, call) => new Response("", { status: call === 1 ? 502 : 200 }));
    const send = spyQueue();
    const body = await receipt(await postJson(unique()));
    expect(body.status).toBe("delivered");
    expect(calls).toHaveLength(2);
    expect(send).not.toHaveBeenCalled();
  });

  it("gives up on an upstream that never answers after the timeout, and queues", async () => {
    const { calls } = fakeUpstream(hangingUpstream);
    const send = spyQueue();
    const started = Date.now();
    const body = await receipt(await postJson(unique()));
    expect(body.status).toBe("queued");
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3 * 100 + 1000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("queues when the network fails (DNS, connection reset)", async () => {
    fakeUpstream(() => {
      throw new TypeError("Network connection lost.");
    });
    const send = spyQueue();
    const body = await receipt(await postJson(unique()));
    expect(body.status).toBe("queued");
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("waits for a slow upstream that answers within the timeout", async () => {
    const { calls } = fakeUpstream(async () => {
      await sleep(40);
      return new Response("ok");
    });
    const body = await receipt(await postJson(unique()));
    expect(body.status).toBe("delivered");
    expect(calls).toHaveLength(1);
  });

  it("retries an attempt that is slower than the timeout", async () => {
    const { calls } = fakeUpstream((request, call) => (call === 1 ? hangingUpstream(request) : new Response("ok")));
    const body = await receipt(await postJson(unique()));
    expect(body.status).toBe("delivered");
    expect(calls).toHaveLength(2);
  });

  it("does not retry a 4xx refusal, and queues it for the consumer to dead-letter", async () => {
    const { calls } = fakeUpstream(() => new Response("bad", { status: 422 }));
    const send = spyQueue();
    const body = await receipt(await postJson(unique()));
    expect(body.status).toBe("queued");
    expect(calls).toHaveLength(1);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("answers 503 (not 202) when the upstream and the queue both fail, so nothing is silently lost", async () => {
    fakeUpstream(() => new Response("", { status: 500 }));
    vi.spyOn(env.CONTACT_QUEUE, "send").mockRejectedValue(new Error("queue unavailable"));
    const response = await postJson(unique());
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
  });

  it("opens the circuit after repeated failures: later submissions skip the upstream and queue at once", async () => {
    const { calls } = fakeUpstream(() => new Response("", { status: 500 }));
    const send = spyQueue();
    await postJson(unique()); // 3 failures
    await postJson(unique()); // 2 more: the breaker opens at 5
    const before = calls.length;
    const body = await receipt(await postJson(unique()));
    expect(before).toBe(5);
    expect(upstreamBreaker.state).toBe("open");
    expect(body.status).toBe("queued");
    expect(calls).toHaveLength(before);
    expect(send).toHaveBeenCalledTimes(3);
  });
});

describe("circuit breaker and backoff", () => {
  it("half-opens after the cooldown and closes on a success", () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1000, () => now);
    breaker.failure();
    expect(breaker.state).toBe("closed");
    breaker.failure();
    expect(breaker.allows()).toBe(false);
    now = 1000;
    expect(breaker.state).toBe("half-open");
    breaker.failure();
    expect(breaker.state).toBe("open");
    now = 2000;
    breaker.success();
    expect(breaker.state).toBe("closed");
  });

  it("backs off with full jitter, bounded by base * 2^attempt", () => {
    expect(backoff(3, 100, () => 0.999)).toBe(799);
    expect(backoff(3, 100, () => 0)).toBe(0);
    const samples = new Set(Array.from({ length: 50 }, () => backoff(4, 100)));
    expect(samples.size).toBeGreaterThan(10);
    for (const sample of samples) expect(sample).toBeLessThan(1600);
  });
});
