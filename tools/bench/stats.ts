// Medians and percentiles of reports are @platform/service-edge's (shared with tools/load).

/** `1 234 567` style thousands for tables. */
export const grouped = (n: number): string => Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
