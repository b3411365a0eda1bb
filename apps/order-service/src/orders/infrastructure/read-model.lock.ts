/**
 * Advisory lock keys (two int4) of the order read model. Every append holds `cut` shared for its
 * transaction; a rebuild holds it exclusively to start filling a fresh table and to swap it in,
 * so no append straddles either moment. `rebuild` (session-level) lets one rebuild run at a time.
 */
export const READ_MODEL_LOCK = { space: 0x6f72_6472, cut: 1, rebuild: 2 } as const;
