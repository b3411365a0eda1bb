import { z } from 'zod';

/**
 * Characters a human-entered text field never needs and an attacker uses: C0/C1 controls (NUL
 * cannot be stored by PostgreSQL `text`; the others break logs and terminals) and the Unicode
 * bidirectional overrides and isolates, which make a name or SKU display as something else
 * ("Trojan Source"). Tab and newline are allowed only in multi-line text.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const LINE_BREAKS = /[\t\n\r]/u;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
// Without the u flag a regex sees UTF-16 units: a high surrogate not followed by a low one, or a
// low one not preceded by a high one (String#isWellFormed, without needing the ES2024 lib).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` holds no lone UTF-16 surrogate, i.e. it can be encoded as UTF-8. */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** Options of {@link text}. Lengths count code points (what a user sees as characters), not UTF-16 units. */
export interface TextOptions {
  /** Fewest code points after trimming. Default 1. */
  min?: number;
  /** Most code points after trimming. */
  max: number;
  /** Allow tab, CR and LF (a comment, a reason). Default false. */
  multiline?: boolean;
}

/** The length of `value` in code points; a lone surrogate counts as one. */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

/**
 * A text field of a request or payload: trimmed, well-formed Unicode (no lone UTF-16 surrogate,
 * which PostgreSQL and every UTF-8 encoder refuse), no control or bidirectional-override
 * characters, and a length bound in code points. Every issue is a validation error (a 400 naming
 * the field at the HTTP edge), never an error from the store.
 */
export function text({ min = 1, max, multiline = false }: TextOptions) {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      if (!isWellFormedText(value)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be well-formed Unicode (a lone UTF-16 surrogate was found)',
        });
        return;
      }
      if (CONTROLS.test(value) || (!multiline && LINE_BREAKS.test(value))) {
        ctx.addIssue({
          code: 'custom',
          message: 'must not contain control characters (U+0000-U+001F, U+007F-U+009F)',
        });
      }
      if (BIDI_CONTROLS.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must not contain bidirectional override characters (U+202A-U+202E, U+2066-U+2069)',
        });
      }
      const length = codePointLength(value);
      if (length < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} characters` });
      if (length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
    });
}
