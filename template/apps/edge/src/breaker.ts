/**
 * A circuit breaker for the upstream. After `threshold` consecutive failures it opens for
 * `cooldownMs`: calls fail fast (the submission goes straight to the queue) instead of piling
 * up on a service that is down. Then one trial call decides whether it closes again.
 * State lives in the isolate: each Cloudflare location learns on its own, which is enough to
 * stop a retry storm without a shared store on the request path.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;

  constructor(
    readonly threshold = 5,
    readonly cooldownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): "closed" | "open" | "half-open" {
    if (this.openedAt === null) return "closed";
    return this.now() - this.openedAt >= this.cooldownMs ? "half-open" : "open";
  }

  allows(): boolean {
    return this.state !== "open";
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
  }

  failure(): void {
    this.failures += 1;
    if (this.state === "half-open" || this.failures >= this.threshold) this.openedAt = this.now();
  }
}

export const upstreamBreaker = new CircuitBreaker();
