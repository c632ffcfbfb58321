// kafkajs (a pure JavaScript Kafka client) against a broker, for OtherClientsIT.
// node kafkajs-client.js <bootstrap> create-topic <topic> <partitions>
//   prints "created <true|false>", then per partition "partition <p>, leader <id>, replicas: <ids>, isrs: <ids>"
//   (kcat -L's format) from fetchTopicMetadata
// node kafkajs-client.js <bootstrap> produce <topic> <count>
//   sends js-key-<i>/js-value-<i> in batches of 10 with acks=all; prints "partition <p> base <offset>" per reply
// node kafkajs-client.js <bootstrap> offsets <topic>
//   prints "partition <p> low <offset> high <offset>" from fetchTopicOffsets
// node kafkajs-client.js <bootstrap> group-consume <topic> <count>
//   subscribes as a member of group "<topic>-group" from the beginning until <count> records arrived (offsets
//   committed after each batch), then leaves; prints "<partition> <offset> <value>" per record
// Exits 1 with the error on stderr if anything fails. Needs NODE_PATH to hold kafkajs.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [bootstrap, command, topic, number] = process.argv.slice(2);
  const kafka = new Kafka({ clientId: 'fjord-it-kafkajs', brokers: [bootstrap], logLevel: logLevel.ERROR,
    retry: { retries: 3 } });
  if (command === 'create-topic') {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const created = await admin.createTopics({ topics: [{ topic, numPartitions: Number(number), replicationFactor: 1 }],
        waitForLeaders: true });
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      console.log(`created ${created}`);
      for (const p of metadata.topics[0].partitions) {
        console.log(`partition ${p.partitionId}, leader ${p.leader}, replicas: ${p.replicas.join(',')}, isrs: ${p.isr.join(',')}`);
      }
    } finally {
      await admin.disconnect();
    }
  } else if (command === 'produce') {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (let i = 0; i < Number(number); i += 10) {
        const messages = [];
        for (let j = i; j < Math.min(i + 10, Number(number)); j++) {
          messages.push({ key: `js-key-${j}`, value: `js-value-${j}` });
        }
        const results = await producer.send({ topic, acks: -1, messages });
        for (const r of results) {
          if (r.errorCode !== 0) {
            throw new Error(`partition ${r.partition}: error ${r.errorCode}`);
          }
          console.log(`partition ${r.partition} base ${r.baseOffset}`);
        }
      }
    } finally {
      await producer.disconnect();
    }
  } else if (command === 'offsets') {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        console.log(`partition ${p.partition} low ${p.low} high ${p.high}`);
      }
    } finally {
      await admin.disconnect();
    }
  } else if (command === 'group-consume') {
    const consumer = kafka.consumer({ groupId: `${topic}-group`, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const lines = [];
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${lines.length} of ${number} records arrived`)), 60000);
        consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            for (const m of batch.messages) {
              lines.push(`${batch.partition} ${m.offset} ${m.value.toString()}`);
              resolveOffset(m.offset);
            }
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition,
              offset: String(Number(batch.lastOffset()) + 1) }]);
            if (lines.length >= Number(number)) {
              clearTimeout(timer);
              resolve();
            }
          },
        }).catch(reject);
      });
      console.log(lines.join('\n'));
    } finally {
      await consumer.disconnect();
    }
  } else {
    throw new Error(`unknown command ${command}`);
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
