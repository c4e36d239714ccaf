// Unit tests of the Tail Worker, on Node's own test runner (no dependencies):
// make edge-tail-test (node --test observability/edge-tail/test/*.test.js)
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import worker, { credentials, toStreams } from "../src/index.js";

const env = {
  ENVIRONMENT: "staging",
  LOKI_PUSH_URL: "https://logs.example.test/loki/api/v1/push",
  LOKI_USERNAME: "edge",
  LOKI_PASSWORD: "s3cret",
};

const invocation = (overrides = {}) => ({
  scriptName: "shop-edge-staging",
  outcome: "ok",
  eventTimestamp: 1767225600000,
  event: {
    request: { method: "POST", url: "https://example.test/api/contact?email=a@b.test" },
    response: { status: 200 },
  },
  logs: [{ level: "log", message: ["sent", { id: 7 }], timestamp: 1767225600001 }],
  exceptions: [],
  ...overrides,
});

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

test("groups lines by outcome, with nanosecond timestamps and JSON lines", () => {
  const crashed = invocation({
    outcome: "exception",
    logs: [],
    exceptions: [{ name: "TypeError", message: "x is undefined", timestamp: 1767225600002 }],
  });
  const streams = toStreams([invocation(), crashed], "staging");
  assert.deepEqual(
    streams.map((s) => s.stream),
    [
      { service: "edge", environment: "staging", outcome: "ok" },
      { service: "edge", environment: "staging", outcome: "exception" },
    ],
  );
  const [timestamp, line] = streams[0].values[0];
  assert.equal(timestamp, "1767225600001000000");
  assert.deepEqual(JSON.parse(line), {
    level: "log",
    message: 'sent {"id":7}',
    method: "POST",
    url: "https://example.test/api/contact",
    status: 200,
    script: "shop-edge-staging",
  });
  assert.equal(JSON.parse(streams[1].values[0][1]).exception, "TypeError");
});

test("an invocation without logs still leaves one line, and drops the query string", () => {
  const quiet = invocation({ outcome: "exceededCpu", logs: [] });
  const [stream] = toStreams([quiet], "production");
  const line = JSON.parse(stream.values[0][1]);
  assert.equal(line.level, "error");
  assert.equal(line.message, "invocation exceededCpu");
  assert.ok(!line.url.includes("email"));
});

test("tail() pushes to Loki with basic auth", async () => {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(null, { status: 204 });
  };
  await worker.tail([invocation()], env);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, env.LOKI_PUSH_URL);
  assert.equal(calls[0].init.headers.authorization, `Basic ${btoa("edge:s3cret")}`);
  assert.equal(JSON.parse(calls[0].init.body).streams.length, 1);
});

test("tail() sends nothing for an empty batch and survives a failing Loki", async () => {
  let pushes = 0;
  globalThis.fetch = async () => {
    pushes += 1;
    return new Response("overloaded", { status: 503 });
  };
  await worker.tail([], env);
  assert.equal(pushes, 0);
  await worker.tail([invocation()], env);
  assert.equal(pushes, 1);
});

test("credentials: basic auth, an Access service token, or nothing", () => {
  assert.deepEqual(credentials({}), {});
  assert.deepEqual(credentials({ CF_ACCESS_CLIENT_ID: "id.access", CF_ACCESS_CLIENT_SECRET: "shh" }), {
    "cf-access-client-id": "id.access",
    "cf-access-client-secret": "shh",
  });
  assert.equal(credentials(env).authorization, `Basic ${btoa("edge:s3cret")}`);
});
