/** Advisory lock keys (two int4) of the order read model: `rebuild` lets one rebuild run at a time. */
export const READ_MODEL_LOCK = { space: 0x6f72_6472, rebuild: 2 } as const;
