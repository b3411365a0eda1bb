import { z } from 'zod';

/** A token bucket: `limit` requests, refilled evenly over `windowSeconds`. */
export interface RateLimitClass {
  limit: number;
  windowSeconds: number;
}

const ENTRY = /^([a-z][a-z0-9_-]*)=(\d+)\/(\d+)$/i;

/** `standard=600/60,auth=20/60` → `{ standard: { limit: 600, windowSeconds: 60 }, ... }`. */
export const rateLimitClassesSchema = z.string().transform((raw, ctx) => {
  const classes: Record<string, RateLimitClass> = {};
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = ENTRY.exec(entry);
    const limit = Number(m?.[2]);
    const windowSeconds = Number(m?.[3]);
    if (!m || limit < 1 || windowSeconds < 1) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not name=limit/windowSeconds` });
      return z.NEVER;
    }
    classes[m[1] as string] = { limit, windowSeconds };
  }
  return classes;
});
