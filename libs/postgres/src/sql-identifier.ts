const IDENTIFIER = /^[a-z_][a-z0-9_]{0,50}$/;

/**
 * Checks a table or channel name before it is spliced into SQL: identifiers cannot be bound as
 * parameters, so only plain lowercase names are accepted.
 */
export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain lowercase SQL identifier`);
  return name;
}
