/**
 * Where the time of `decodeEvent` goes, per record, with no broker:
 *   npm run bench:decode -- [--records 2000] [--rounds 7] [--ms 300]
 *
 * The bench:messaging records (OrderPlaced v2, ~830 bytes, eight lines) and the same orders as
 * OrderPlaced v1 (upcast on read), decoded through the public API only. Each stage adds one step
 * to the one before, so a stage's own cost is its time minus the previous stage's:
 *   bytes -> string, JSON.parse, envelope check (decodeEnvelope), payload schema and aggregateId
 *   (decodeEvent), record key (decodeEvent with the record), and v1 + upcast instead of v2.
 * Every stage loops over the same records for `--ms` of CPU time per round; the table gives the median of the
 * rounds (a first warm-up round is dropped) and writes tmp/bench/decode.json.
 */
import { median } from '@platform/service-edge';
import { decodeEnvelope, decodeEvent, type EventOf, type OrderPlacedV1 } from '@platform/contracts';
import { machine, parseArgs, writeReport } from './harness';
import { orderPlaced } from './order-placed';

const args = parseArgs(process.argv.slice(2), '--records N --rounds N --ms N');
const RECORDS = args['records'] ?? 2_000;
const ROUNDS = args['rounds'] ?? 7;
const STAGE_MS = args['ms'] ?? 300;

interface Record {
  key: Buffer;
  value: Buffer;
}

/** One step of the decoding, applied to one record; returns something so it is not optimised away. */
type Stage = { name: string; run: (record: Record) => unknown };

/** The same order as OrderPlaced v1: decimal prices in major units, no total. */
function asV1(event: EventOf<'OrderPlaced'>): object {
  const payload: OrderPlacedV1 = {
    orderId: event.payload.orderId,
    customerId: event.payload.customerId,
    currency: 'EUR',
    lines: event.payload.lines.map((line) => ({
      sku: line.sku,
      quantity: line.quantity,
      price: (line.unitPriceMinor / 100).toFixed(2),
    })),
  };
  return { ...event, version: 1, payload };
}

function records(version: 1 | 2): Record[] {
  return Array.from({ length: RECORDS }, (_, i) => {
    const event = orderPlaced(i, 'decode');
    return {
      key: Buffer.from(event.aggregateId),
      value: Buffer.from(JSON.stringify(version === 2 ? event : asV1(event))),
    };
  });
}

const stages: Stage[] = [
  { name: 'bytes -> string', run: (r) => r.value.toString('utf8') },
  { name: '+ JSON.parse', run: (r) => JSON.parse(r.value.toString('utf8')) },
  { name: '+ envelope', run: (r) => decodeEnvelope(r.value) },
  { name: '+ payload v2 (decodeEvent)', run: (r) => decodeEvent(r.value) },
  { name: '+ record key', run: (r) => decodeEvent(r.value, { key: r.key }) },
];
const v1Stage: Stage = { name: 'v1 + upcast, with key', run: (r) => decodeEvent(r.value, { key: r.key }) };

/**
 * CPU ns of the main thread per record of `stage` over `input`, looping for STAGE_MS of CPU time.
 * Thread CPU time, not wall time: on a shared machine the other processes' share of the cores
 * stays out of the figure (garbage collection on this thread stays in).
 */
function time(stage: Stage, input: Record[]): number {
  let sink = 0;
  let done = 0;
  const started = cpuMicros();
  let now = started;
  while (now - started < STAGE_MS * 1_000) {
    for (const record of input) if (stage.run(record) !== undefined) sink += 1;
    done += input.length;
    now = cpuMicros();
  }
  if (sink !== done) throw new Error(`${stage.name}: a stage returned nothing`);
  return ((now - started) * 1_000) / done;
}

function cpuMicros(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

function main(): void {
  const v2 = records(2);
  const v1 = records(1);
  const all: [Stage, Record[]][] = [...stages.map((s): [Stage, Record[]] => [s, v2]), [v1Stage, v1]];
  const rounds = new Map<string, number[]>(all.map(([s]) => [s.name, []]));
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const [stage, input] of all) {
      const ns = time(stage, input);
      if (round > 0) rounds.get(stage.name)?.push(ns); // round 0 warms the JIT up
    }
  }
  const medians = all.map(([s]) => ({ stage: s.name, ns: median(rounds.get(s.name) ?? []) }));
  console.log(`decodeEvent per record, ${RECORDS} records of ~${v2[0]?.value.length} bytes, ${ROUNDS} rounds of ${STAGE_MS} ms
machine: ${machine()}

| stage                          | CPU ns/record (cumulative) | CPU ns/record (this step) |
| ------------------------------ | -------------------------- | ------------------------- |`);
  medians.forEach(({ stage, ns }, i) => {
    // The v1 row's step is against the full v2 decode it replaces: the upcast and its schemas.
    const previous = i === 0 ? 0 : (medians[i - 1]?.ns ?? 0);
    console.log(`| ${stage.padEnd(30)} | ${fmt(ns).padEnd(26)} | ${fmt(ns - previous).padEnd(25)} |`);
  });
  console.log(
    `\nrounds, ns/record: ${[...rounds].map(([n, v]) => `${n}: ${v.map(fmt).join(' / ')}`).join('; ')}`,
  );
  writeReport('decode', { machine: machine(), records: RECORDS, rounds: ROUNDS, stageMs: STAGE_MS, medians });
}

const fmt = (ns: number): string => String(Math.round(ns));

main();
