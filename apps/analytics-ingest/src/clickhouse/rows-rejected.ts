/**
 * ClickHouse error codes that say the rows themselves are wrong (they do not parse into the
 * table's columns): no retry makes them fit. Anything else a write meets (ClickHouse down, too
 * many parts, memory limits, timeouts) is the moment's fault, not the rows'.
 */
const ROWS_REJECTED = new Map([
  [6, 'CANNOT_PARSE_TEXT'],
  [25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
  [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  [33, 'CANNOT_READ_ALL_DATA'],
  [38, 'CANNOT_PARSE_DATE'],
  [41, 'CANNOT_PARSE_DATETIME'],
  [53, 'TYPE_MISMATCH'],
  [72, 'CANNOT_PARSE_NUMBER'],
  [117, 'INCORRECT_DATA'],
  [131, 'TOO_LARGE_STRING_SIZE'],
  [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
]);

/**
 * Whether ClickHouse refused an insert for its rows' content. The client parses the server's
 * error into a ClickHouseError with its `code` where it knows the format; older servers answer
 * `Code: 27, e.displayText() = ...`, which it leaves as a plain Error: the code is read from there.
 */
export function areRowsRejected(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const fromMessage = typeof message === 'string' ? /^Code: (\d+)[,.]/.exec(message)?.[1] : undefined;
  const number = Number(typeof code === 'string' ? code : fromMessage);
  return ROWS_REJECTED.has(number);
}
