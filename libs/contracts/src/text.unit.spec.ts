import { codePointLength, text } from './text';

const name = text({ max: 5 });
const messagesOf = (value: string) => {
  const result = name.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('text fields', () => {
  it('accepts trimmed, well-formed text and counts emoji as one character each', () => {
    expect(name.parse('  Ada  ')).toBe('Ada');
    expect(name.parse('😀😀😀😀😀')).toBe('😀😀😀😀😀');
    expect(codePointLength('😀a')).toBe(2);
  });

  it('refuses a lone UTF-16 surrogate, NUL, other controls and bidirectional overrides', () => {
    expect(messagesOf('a\ud800b')).toEqual([expect.stringMatching(/well-formed Unicode/)]);
    expect(messagesOf('a\udfffb')).toEqual([expect.stringMatching(/well-formed Unicode/)]);
    expect(messagesOf('a\u0000b')).toEqual([expect.stringMatching(/control characters/)]);
    expect(messagesOf('a\nb')).toEqual([expect.stringMatching(/control characters/)]);
    expect(messagesOf('a\u202Eb')).toEqual([expect.stringMatching(/bidirectional/)]);
    expect(messagesOf('a\u2066b')).toEqual([expect.stringMatching(/bidirectional/)]);
  });

  it('bounds the length in code points, after trimming', () => {
    expect(messagesOf('😀😀😀😀😀😀')).toEqual(['must be at most 5 characters']);
    expect(messagesOf('   ')).toEqual(['must be at least 1 characters']);
    expect(messagesOf('x'.repeat(100_000))).toEqual(['must be at most 5 characters']);
  });

  it('allows line breaks only in multi-line text', () => {
    expect(text({ max: 50, multiline: true }).parse('line one\nline two')).toBe('line one\nline two');
  });
});
