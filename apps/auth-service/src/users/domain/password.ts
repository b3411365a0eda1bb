import { codePointLength, isWellFormedText } from '@platform/contracts';
import { z } from 'zod';

/**
 * A password as a body field: well-formed Unicode (a lone UTF-16 surrogate cannot be encoded for
 * hashing) and `min`..128 code points; anything else is the user's choice (NIST 800-63B: spaces,
 * emoji, any script). Never trimmed: the spaces are part of it.
 */
export function passwordField(min: number) {
  const max = 128;
  return z.string().superRefine((value, ctx) => {
    if (!isWellFormedText(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be well-formed Unicode (a lone UTF-16 surrogate was found)',
      });
      return;
    }
    const length = codePointLength(value);
    if (length < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} characters` });
    if (length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
  });
}
