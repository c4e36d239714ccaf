/** The Worker's bindings and settings, as declared in wrangler.jsonc. */
export interface WorkerEnv {
  /** "staging" or "production". */
  ENVIRONMENT: string;
  /** Release of the Worker, reported by /api/health. */
  VERSION: string;
  /** Git commit of the deployed code; `make edge-deploy` passes it with --var. */
  COMMIT: string;
  /** The site's origin, the only origin allowed by CORS. */
  SITE_ORIGIN: string;
  /** Where contact submissions are delivered (a CRM or the platform API). Secret: it may hold a token. */
  CONTACT_UPSTREAM_URL?: string;
  /** Optional bearer token for the upstream. Secret. */
  CONTACT_UPSTREAM_TOKEN?: string;
  /** Upstream call budget: per-attempt timeout, in-request retries, backoff base. */
  UPSTREAM_TIMEOUT_MS: string;
  UPSTREAM_RETRIES: string;
  UPSTREAM_BACKOFF_MS: string;
  /** Submissions the upstream could not take right away; the consumer retries them. */
  CONTACT_QUEUE: Queue<QueuedSubmission>;
  /** Idempotency records and dead-lettered submissions. */
  CONTACT_STORE: KVNamespace;
  /** Write rate limit per client address. */
  CONTACT_RATE_LIMIT: RateLimit;
}

export interface Submission {
  name: string;
  email: string;
  message: string;
}

export interface QueuedSubmission {
  id: string;
  requestId: string;
  receivedAt: string;
  submission: Submission;
}

export type Env = WorkerEnv;

// `env` and `exports` from "cloudflare:workers" (the tests use them) get the same types.
declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import("./index");
    }
  }
}
