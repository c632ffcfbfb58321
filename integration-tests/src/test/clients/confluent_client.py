"""confluent-kafka (Python over librdkafka) against a broker, for OtherClientsIT.

python3 confluent_client.py <bootstrap> create-topic <topic> <partitions>
    AdminClient.create_topics, then list_topics: "broker <id> at <host>:<port>" per broker and
    "partition <p>, leader <id>, replicas: <ids>, isrs: <ids>" per partition (kcat -L's format)
python3 confluent_client.py <bootstrap> produce <topic> <count>
    py-key-<i>/py-value-<i>, idempotent, acks=all, Java's murmur2 partitioner: "<key> <partition> <offset>" per ack
python3 confluent_client.py <bootstrap> consume <topic> <partitions>
    assign (no group) from the beginning to the end of every partition: "<partition> <offset> <key> <value>"
Exits 1 with the error on stderr if anything fails (client_cli.py).
"""
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic

import client_cli


def create_topic(bootstrap, topic, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)]).values():
        future.result(30)
    metadata = admin.list_topics(topic=topic, timeout=30)
    described = metadata.topics[topic]
    if described.error is not None:
        raise KafkaException(described.error)
    for broker in sorted(metadata.brokers.values(), key=lambda b: b.id):
        print(f"broker {broker.id} at {broker.host}:{broker.port}")
    for p in sorted(described.partitions.values(), key=lambda p: p.id):
        print(client_cli.partition_line(p.id, p.leader, p.replicas, p.isrs))


def produce(bootstrap, topic, count):
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "partitioner": "murmur2_random", "linger.ms": 5})
    acknowledged, errors = [], []

    def delivered(error, message):
        if error is not None:
            errors.append(str(error))
        else:
            acknowledged.append(f"{message.key().decode()} {message.partition()} {message.offset()}")

    for i in range(count):
        producer.produce(topic, key=f"py-key-{i}", value=f"py-value-{i}", on_delivery=delivered)
        producer.poll(0)
    remaining = producer.flush(30)
    if errors or remaining:
        raise KafkaException(f"{len(errors)} failed, {remaining} undelivered: {errors[:3]}")
    print("\n".join(acknowledged))


def consume(bootstrap, topic, partitions):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "fjord-it-unused", "enable.auto.commit": False,
                         "enable.partition.eof": True})
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    records, at_end = [], set()
    try:
        while len(at_end) < partitions:
            message = consumer.poll(30)
            if message is None:
                raise KafkaException(f"no message within 30 s; at end: {sorted(at_end)}")
            if message.error() is not None:
                if message.error().code() == -191:  # _PARTITION_EOF
                    at_end.add(message.partition())
                    continue
                raise KafkaException(message.error())
            records.append(f"{message.partition()} {message.offset()} {message.key().decode()} {message.value().decode()}")
    finally:
        consumer.close()
    print("\n".join(records))


if __name__ == "__main__":
    client_cli.run({"create-topic": create_topic, "produce": produce, "consume": consume})
