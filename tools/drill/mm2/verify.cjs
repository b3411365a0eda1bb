// The drill's checks against two running regions (tools/drill/mm2-scout.sh): produce keyed
// records to region A, wait until region B holds them under the same topic and partitions, then
// commit a consumer group's offsets in A and wait until MirrorMaker 2 writes them into B's group.
// Prints one JSON line of measurements; exits non-zero when a check fails or times out.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const A = process.env.A_BROKERS;
const B = process.env.B_BROKERS;
const TOPIC = process.env.TOPIC || 'order.events';
const N = Number(process.env.N || 1000);
const GROUP = process.env.GROUP || 'drill-consumer';
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS || 120000);

const client = (brokers, clientId) => new Kafka({ clientId, brokers: [brokers], logLevel: logLevel.NOTHING });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it returns a truthy value; the elapsed milliseconds and the value. */
async function until(what, check) {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return { ms: Date.now() - start, value };
    if (Date.now() - start > TIMEOUT_MS)
      throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Sum of the high watermarks of a topic, or 0 while it does not exist. */
async function endOffsets(admin, topic) {
  try {
    return await admin.fetchTopicOffsets(topic);
  } catch {
    return null;
  }
}
const total = (offsets) => (offsets ? offsets.reduce((s, p) => s + Number(p.high), 0) : 0);

/** key -> partition for every record of a topic, read from the start with a throwaway group. */
async function partitionsByKey(kafka, topic, expected) {
  const consumer = kafka.consumer({ groupId: `drill-audit-${process.pid}-${Date.now()}` });
  const seen = new Map();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      seen.set(message.key.toString(), partition);
    },
  });
  await until(`${expected} records read from ${topic}`, () => seen.size >= expected);
  await consumer.disconnect();
  return seen;
}

/**
 * The group reads `count` more records of the topic in A and commits them; then waits until B's
 * copy of the group (written by MM2, which only writes into groups without members in B) holds
 * exactly the same offsets.
 */
async function consumeAndAwaitInB(kafkaA, adminB, count) {
  const consumer = kafkaA.consumer({ groupId: GROUP });
  const committed = new Map();
  let read = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (read >= count) return;
      read++;
      committed.set(partition, Number(message.offset) + 1);
    },
  });
  await until(`${count} records consumed in A`, () => read >= count);
  const offsets = [...committed].map(([partition, offset]) => ({
    topic: TOPIC,
    partition,
    offset: String(offset),
  }));
  await consumer.commitOffsets(offsets);
  const tCommit = Date.now();
  // The group in A may stay up (MM2 only requires B's copy to have no members); disconnecting here
  // would add kafkajs's in-flight fetch wait (maxWaitTimeInMs) to the measured sync time.
  const synced = await until(`group ${GROUP}'s offsets in B`, async () => {
    const [entry] = await adminB.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }).catch(() => [null]);
    if (!entry) return null;
    const inB = Object.fromEntries(entry.partitions.map((p) => [p.partition, Number(p.offset)]));
    return [...committed].every(([p, o]) => inB[p] === o) ? inB : null;
  });
  const ms = Date.now() - tCommit;
  await consumer.disconnect();
  return { committedInA: Object.fromEntries(committed), inB: synced.value, ms };
}

async function main() {
  const kafkaA = client(A, 'drill-region-a');
  const kafkaB = client(B, 'drill-region-b');
  const adminA = kafkaA.admin();
  const adminB = kafkaB.admin();
  await Promise.all([adminA.connect(), adminB.connect()]);
  const result = { topic: TOPIC, n: N };

  // 0. Warm-up: one record, read and committed by the group, must reach B's group. MM2 then knows
  // the group before the bulk arrives; a checkpoint task (re)started after the offset syncs were
  // written only loads the latest sync per partition and cannot translate older offsets.
  const warm = kafkaA.producer();
  await warm.connect();
  await warm.send({ topic: TOPIC, messages: [{ key: 'warm-up', value: 'warm-up' }] });
  await warm.disconnect();
  const warmUp = await consumeAndAwaitInB(kafkaA, adminB, 1);
  result.groupFirstSyncMs = warmUp.ms;

  const before = total(await endOffsets(adminB, TOPIC));

  // 1. Produce N keyed records to A; the lag is from the last send's ack to B holding them all.
  const producer = kafkaA.producer();
  await producer.connect();
  const t0 = Date.now();
  const batch = 100;
  for (let i = 0; i < N; i += batch) {
    const messages = [];
    for (let j = i; j < Math.min(N, i + batch); j++) {
      messages.push({ key: `order-${j}`, value: JSON.stringify({ orderId: `order-${j}`, at: Date.now() }) });
    }
    await producer.send({ topic: TOPIC, messages });
  }
  result.produceMs = Date.now() - t0;
  await producer.disconnect();

  // A single probe record: its produce-to-visible time is the steady-state replication lag.
  const probe = kafkaA.producer();
  await probe.connect();
  const waitAll = until(
    `${N} records in B`,
    async () => total(await endOffsets(adminB, TOPIC)) >= before + N,
  );
  result.allVisibleInBMs = (await waitAll).ms + result.produceMs;
  const probeStart = Date.now();
  await probe.send({ topic: TOPIC, messages: [{ key: 'probe', value: String(probeStart) }] });
  await until('the probe in B', async () => total(await endOffsets(adminB, TOPIC)) >= before + N + 1);
  result.probeLagMs = Date.now() - probeStart;
  await probe.disconnect();

  // 2. Same partition for each key on both sides (partition counts match: MM2 created B's topic).
  const [offA, offB] = [await endOffsets(adminA, TOPIC), await endOffsets(adminB, TOPIC)];
  result.partitions = { A: offA.length, B: offB.length };
  result.highWatermarks = { A: offA.map((p) => Number(p.high)), B: offB.map((p) => Number(p.high)) };
  const keysA = await partitionsByKey(kafkaA, TOPIC, N + 2);
  const keysB = await partitionsByKey(kafkaB, TOPIC, N + 2);
  let moved = 0;
  for (const [key, partition] of keysA) if (keysB.get(key) !== partition) moved++;
  result.keysOnOtherPartition = moved;

  // 3. The group catches up with everything in A; B's copy of the group must match exactly.
  const caughtUp = await consumeAndAwaitInB(kafkaA, adminB, N + 1); // the bulk and the probe
  result.groupCommittedInA = caughtUp.committedInA;
  result.groupOffsetsInB = caughtUp.inB;
  result.groupSyncMs = caughtUp.ms;

  await Promise.all([adminA.disconnect(), adminB.disconnect()]);
  console.log(JSON.stringify(result));
  if (moved > 0) throw new Error(`${moved} keys landed on another partition in B`);
}

main().catch((err) => {
  console.error(`verify: ${err.message}`);
  process.exit(1);
});
