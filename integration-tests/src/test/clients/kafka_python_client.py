"""kafka-python (a pure-Python Kafka client with its own protocol code) against a broker, for OtherClientsIT.

python3 kafka_python_client.py <bootstrap> create-topic <topic> <partitions>
    KafkaAdminClient.create_topics, then describe_topics: "partition <p>, leader <id>, replicas: <ids>,
    isrs: <ids>" per partition (kcat -L's format)
python3 kafka_python_client.py <bootstrap> produce <topic> <count>
    kp-key-<i>/kp-value-<i>, acks=all, the default (Java-compatible murmur2) partitioner:
    "<key> <partition> <offset>" per acknowledged record
python3 kafka_python_client.py <bootstrap> consume <topic> <partitions>
    assign (no group), seek to the beginning, read to the end offsets: "<partition> <offset> <key> <value>"
python3 kafka_python_client.py <bootstrap> group-consume <topic> <count>
    subscribe as a member of group "<topic>-group" from the earliest offsets until <count> records arrived, commit
    synchronously and leave: "<partition> <offset> <value>" per record
Exits 1 with the error on stderr if anything fails (client_cli.py).
"""
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

import client_cli


def create_topic(bootstrap, topic, partitions):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="fjord-it-kafka-python")
    try:
        response = admin.create_topics([NewTopic(topic, partitions, 1)])
        for name, code, *_ in response.topic_errors:
            if code != 0:
                raise RuntimeError(f"create_topics {name}: error {code}")
        described = admin.describe_topics([topic])[0]
        if described["error_code"] != 0:
            raise RuntimeError(f"describe_topics: error {described['error_code']}")
        for p in sorted(described["partitions"], key=lambda p: p["partition"]):
            print(client_cli.partition_line(p["partition"], p["leader"], p["replicas"], p["isr"]))
    finally:
        admin.close()


def produce(bootstrap, topic, count):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        futures = [(f"kp-key-{i}", producer.send(topic, key=f"kp-key-{i}".encode(), value=f"kp-value-{i}".encode()))
                   for i in range(count)]
        for key, future in futures:
            metadata = future.get(timeout=30)
            print(f"{key} {metadata.partition} {metadata.offset}")
    finally:
        producer.close(timeout=10)


def consume(bootstrap, topic, partitions):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        assigned = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(assigned)
        records = []
        for _ in range(100):
            if all(consumer.position(tp) >= ends[tp] for tp in assigned):
                break
            for messages in consumer.poll(timeout_ms=300).values():
                for m in messages:
                    records.append(f"{m.partition} {m.offset} {m.key.decode()} {m.value.decode()}")
        else:
            raise RuntimeError(f"did not reach the end offsets {ends}")
        print("\n".join(records))
    finally:
        consumer.close()


def group_consume(bootstrap, topic, count):
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"{topic}-group",
                             auto_offset_reset="earliest", enable_auto_commit=False)
    try:
        records = []
        for _ in range(200):
            if len(records) >= count:
                break
            for messages in consumer.poll(timeout_ms=300).values():
                for m in messages:
                    records.append(f"{m.partition} {m.offset} {m.value.decode()}")
        else:
            raise RuntimeError(f"only {len(records)} of {count} records arrived")
        consumer.commit()
        print("\n".join(records))
    finally:
        consumer.close()


if __name__ == "__main__":
    client_cli.run({"create-topic": create_topic, "produce": produce, "consume": consume,
                    "group-consume": group_consume})
