// Registers TrendStream's OrderEvent schema (LineItem inlined) under <topic>-value through the schema registry and
// produces one order with Confluent's AvroSerializer, as an independent producer would.
//
//   node produce-order.mjs --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8085 \
//        [--topic orders] [--event-id node-order-1]
//
// Prints one JSON line: {"topic", "partition", "offset", "schemaId", "eventId"}.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { parseArgs, registryConfig, toJson } from './args.mjs';

const options = parseArgs(process.argv.slice(2), ['bootstrap-servers', 'schema-registry-url'],
  { topic: 'orders', 'event-id': 'node-order-1' });
const avroDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../udf/src/main/avro');

/** OrderEvent.avsc with the named type LineItem replaced by its definition, so the schema stands alone. */
function orderEventSchema() {
  const order = JSON.parse(readFileSync(resolve(avroDir, 'OrderEvent.avsc'), 'utf8'));
  const lineItem = JSON.parse(readFileSync(resolve(avroDir, 'LineItem.avsc'), 'utf8'));
  const lineItems = order.fields.find((f) => f.name === 'lineItems');
  if (lineItems.type.items !== 'io.trendstream.events.LineItem') {
    throw new Error(`OrderEvent.lineItems no longer refers to LineItem by name: ${JSON.stringify(lineItems.type)}`);
  }
  lineItems.type.items = lineItem;
  return order;
}

/** A decimal(12, 2) as Avro's bytes: the unscaled value, big-endian two's complement, minimal length. */
function decimalBytes(amount) {
  let unscaled = BigInt(Math.round(Number(amount) * 100));
  const bytes = [];
  do {
    bytes.unshift(Number(unscaled & 0xffn));
    unscaled >>= 8n;
  } while (!((unscaled === 0n && (bytes[0] & 0x80) === 0) || (unscaled === -1n && (bytes[0] & 0x80) !== 0)));
  return Buffer.from(bytes);
}

const topic = options.topic;
const subject = `${topic}-value`;
const registry = new SchemaRegistryClient(registryConfig(options['schema-registry-url']));
const schemaId = await registry.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(orderEventSchema()) });

// useLatestVersion: write with the schema as registered (the id just returned), not one derived from the message.
const serializer = new AvroSerializer(registry, SerdeType.VALUE, { useLatestVersion: true });
const order = {
  eventId: options['event-id'],
  orderId: 'node-o-1',
  userId: 'u-node',
  lineItems: [
    { productId: 'p7', quantity: 2, unitPrice: decimalBytes('19.99') },
    { productId: 'p3', quantity: 1, unitPrice: decimalBytes('5.00') },
  ],
  currency: 'EUR',
  eventTime: Date.parse('2026-01-01T00:00:00Z'),
  channel: 'app',
};
const value = await serializer.serialize(topic, order);

const kafka = new Kafka({
  clientId: 'trendstream-node-check',
  brokers: options['bootstrap-servers'].split(','),
  logLevel: logLevel.WARN,
});
const producer = kafka.producer({
  allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1,
  // The Java client's partitioner (murmur2), so that the key lands where TrendStream's producers put it.
  createPartitioner: Partitioners.DefaultPartitioner,
});
await producer.connect();
try {
  const [result] = await producer.send({ topic, acks: -1, messages: [{ key: 'p7', value }] });
  process.stdout.write(toJson({
    topic, partition: result.partition, offset: Number(result.baseOffset), schemaId, eventId: order.eventId,
  }) + '\n');
} finally {
  await producer.disconnect();
}
