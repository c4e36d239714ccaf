// Tail Worker: Cloudflare calls tail() with the trace events of the edge Worker (its
// console.log lines, uncaught exceptions and outcome) and this pushes them to Loki.
// Labels stay few (service, environment, outcome) so Loki's index stays small; everything
// else goes into the JSON line, where LogQL's `| json` and Grafana's level detection read it.

export default {
  async tail(events, env) {
    const streams = toStreams(events, env.ENVIRONMENT);
    if (streams.length === 0) return;
    const response = await fetch(env.LOKI_PUSH_URL, {
      method: "POST",
      headers: { "content-type": "application/json", ...credentials(env) },
      body: JSON.stringify({ streams }),
    });
    if (!response.ok) {
      // Visible in `wrangler tail` of this Worker; never retried, so a Loki outage cannot pile up work.
      console.error(`loki push failed: ${response.status} ${await response.text()}`);
    }
  },
};

/** Loki push-API streams for a batch of trace events, one stream per label set. */
export function toStreams(events, environment) {
  const streams = new Map();
  const push = (labels, timestampMs, line) => {
    const key = JSON.stringify(labels);
    if (!streams.has(key)) streams.set(key, { stream: labels, values: [] });
    // Loki wants nanoseconds as a decimal string; BigInt keeps every digit.
    streams.get(key).values.push([(BigInt(Math.trunc(timestampMs)) * 1000000n).toString(), JSON.stringify(line)]);
  };
  for (const event of events) {
    const labels = { service: "edge", environment, outcome: event.outcome ?? "unknown" };
    const request = event.event?.request;
    const context = {
      method: request?.method,
      url: request?.url ? redact(request.url) : undefined,
      status: event.event?.response?.status,
      script: event.scriptName,
    };
    const logs = event.logs ?? [];
    const exceptions = event.exceptions ?? [];
    for (const log of logs) {
      push(labels, log.timestamp, { level: log.level, message: text(log.message), ...context });
    }
    for (const exception of exceptions) {
      push(labels, exception.timestamp, { level: "error", exception: exception.name, message: exception.message, ...context });
    }
    if (logs.length === 0 && exceptions.length === 0) {
      const level = event.outcome === "ok" ? "info" : "error";
      push(labels, event.eventTimestamp ?? Date.now(), { level, message: `invocation ${event.outcome}`, ...context });
    }
  }
  return [...streams.values()];
}

// Basic auth for the cluster's Loki gateway, or a Cloudflare Access service token for a
// monitoring VM published through a Cloudflare Tunnel; both come from Worker secrets.
export function credentials(env) {
  const headers = {};
  if (env.LOKI_USERNAME) {
    headers.authorization = `Basic ${btoa(`${env.LOKI_USERNAME}:${env.LOKI_PASSWORD ?? ""}`)}`;
  }
  if (env.CF_ACCESS_CLIENT_ID) {
    headers["cf-access-client-id"] = env.CF_ACCESS_CLIENT_ID;
    headers["cf-access-client-secret"] = env.CF_ACCESS_CLIENT_SECRET ?? "";
  }
  return headers;
}

// console.log takes several arguments; the trace event keeps them as an array.
function text(message) {
  const parts = Array.isArray(message) ? message : [message];
  return parts.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ");
}

// Query strings can carry personal data or tokens: keep the path only.
function redact(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "invalid-url";
  }
}
