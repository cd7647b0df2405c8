import type { DeskError } from "./bindings";

/** A service error as thrown into the UI: code, field and both messages. */
export class ServiceError extends Error {
  constructor(public readonly error: DeskError) {
    super(error.message_en);
  }
}

/** Unwraps a generated command's result, throwing the service's error. */
export async function call<T>(
  p: Promise<{ status: "ok"; data: T } | { status: "error"; error: DeskError }>,
): Promise<T> {
  const r = await p;
  if (r.status === "error") throw new ServiceError(r.error);
  return r.data;
}

/** The error's message in the current language (any thrown value). */
export function messageOf(e: unknown, locale: string): string {
  if (e instanceof ServiceError) return locale === "en" ? e.error.message_en : e.error.message_zh;
  return String(e);
}

export function fieldOf(e: unknown): string | null {
  return e instanceof ServiceError ? e.error.field : null;
}
