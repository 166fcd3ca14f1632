// Reads N records of a topic from the beginning and decodes them with Confluent's AvroDeserializer (writer schema
// looked up by the id in each record's header), printing one JSON line per record:
//   {"partition", "offset", "key" (base64 or null), "value" (the decoded record; bytes as base64)}
//
//   node consume.mjs --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8085 \
//        --topic trend-alerts --count 1 [--timeout-ms 60000]
//
// Exits 1 if fewer than N records arrive in time.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { parseArgs, registryConfig, toJson, fail } from './args.mjs';

const options = parseArgs(process.argv.slice(2), ['bootstrap-servers', 'schema-registry-url', 'topic', 'count'],
  { 'timeout-ms': '60000' });
const count = Number(options.count);
if (!Number.isInteger(count) || count <= 0) {
  fail(`--count needs a positive whole number, got '${options.count}'`);
}

const registry = new SchemaRegistryClient(registryConfig(options['schema-registry-url']));
const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
const kafka = new Kafka({
  clientId: 'trendstream-node-check',
  brokers: options['bootstrap-servers'].split(','),
  logLevel: logLevel.WARN,
});
// A fresh group each time: read from the beginning, commit nothing anyone else relies on.
const consumer = kafka.consumer({ groupId: `trendstream-node-check-${randomUUID()}`, readUncommitted: false });

let seen = 0;
let finish;
const done = new Promise((resolveDone) => { finish = resolveDone; });
const timer = setTimeout(() => finish(false), Number(options['timeout-ms']));

await consumer.connect();
await consumer.subscribe({ topic: options.topic, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ partition, message }) => {
    if (seen >= count) {
      return;
    }
    const value = await deserializer.deserialize(options.topic, message.value);
    process.stdout.write(toJson({
      partition,
      offset: Number(message.offset),
      key: message.key == null ? null : message.key.toString('base64'),
      value,
    }) + '\n');
    seen++;
    if (seen >= count) {
      finish(true);
    }
  },
});
const complete = await done;
clearTimeout(timer);
await consumer.disconnect();
if (!complete) {
  process.stderr.write(`consume.mjs: read ${seen} of ${count} records of ${options.topic} within ${options['timeout-ms']} ms\n`);
  process.exit(1);
}
