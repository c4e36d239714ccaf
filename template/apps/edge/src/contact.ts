/** Parsing and validation of a contact submission, from JSON or from a plain HTML form post. */
import type { Submission } from "./env";

export const LIMITS = { name: 100, email: 254, message: 5000 } as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type Parsed = { ok: true; submission: Submission } | { ok: false; field: string; error: string };

export function isFormPost(request: Request): boolean {
  const type = request.headers.get("content-type") ?? "";
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
}

export async function readBody(request: Request): Promise<Record<string, unknown> | null> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.startsWith("application/json")) {
      const body: unknown = await request.json();
      return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    }
    if (isFormPost(request)) {
      const form = await request.formData();
      const fields: Record<string, unknown> = {};
      for (const [key, value] of form.entries()) if (typeof value === "string") fields[key] = value;
      return fields;
    }
  } catch {
    return null;
  }
  return null;
}

function text(fields: Record<string, unknown>, field: keyof typeof LIMITS): string | { error: string } {
  const value = fields[field];
  if (typeof value !== "string" || value.trim() === "") return { error: `${field} is required` };
  const trimmed = value.trim();
  if (trimmed.length > LIMITS[field]) return { error: `${field} must be at most ${LIMITS[field]} characters` };
  return trimmed;
}

export function validate(fields: Record<string, unknown> | null): Parsed {
  if (fields === null) return { ok: false, field: "body", error: "body must be a JSON object or a form post" };
  const values: Partial<Submission> = {};
  for (const field of ["name", "email", "message"] as const) {
    const value = text(fields, field);
    if (typeof value !== "string") return { ok: false, field, error: value.error };
    values[field] = value;
  }
  if (!EMAIL.test(values.email!)) return { ok: false, field: "email", error: "email must be an address such as ana@example.com" };
  return { ok: true, submission: values as Submission };
}
