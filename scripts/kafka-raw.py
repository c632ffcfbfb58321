#!/usr/bin/env python3
"""Minimal raw Kafka-protocol client for scripts (no Kafka libraries): only what scripts/startup-time needs.

  kafka-raw.py wait-api-versions PORT T0_NS TIMEOUT_S   poll until ApiVersions v0 is answered with no error;
                                                       print the ms from T0_NS (CLOCK_REALTIME ns) to the answer
  kafka-raw.py populate PORT TOPICS PARTITIONS RECORDS  create topics t0..tN-1 (CreateTopics v2) and produce
                                                       RECORDS records to each partition (Produce v3, acks=1)
"""
import socket
import struct
import sys
import time


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _table()


def string(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def varint(v):
    v = (v << 1) ^ (v >> 63)
    out = bytearray()
    while v & ~0x7F:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def request(sock, api_key, version, correlation_id, body):
    header = struct.pack(">hhi", api_key, version, correlation_id) + string("startup-time")
    frame = header + body
    sock.sendall(struct.pack(">i", len(frame)) + frame)
    size = struct.unpack(">i", read_exactly(sock, 4))[0]
    response = read_exactly(sock, size)
    if struct.unpack(">i", response[:4])[0] != correlation_id:
        raise IOError("correlation id mismatch")
    return response[4:]


def read_exactly(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise IOError("connection closed")
        buf += chunk
    return bytes(buf)


def wait_api_versions(port, t0_ns, timeout_s):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                body = request(sock, 18, 0, 1, b"")
                if struct.unpack(">h", body[:2])[0] != 0:
                    raise IOError("ApiVersions error %d" % struct.unpack(">h", body[:2])[0])
                print((time.time_ns() - t0_ns) // 1_000_000)
                return 0
        except (OSError, IOError):
            time.sleep(0.005)
    print("no ApiVersions answer on port %d within %ss" % (port, timeout_s), file=sys.stderr)
    return 1


def record_batch(count, now_ms):
    records = bytearray()
    for i in range(count):
        value = b"startup-time record %d" % i
        body = bytes([0]) + varint(0) + varint(i) + varint(-1) + varint(len(value)) + value + varint(0)
        records += varint(len(body)) + body
    after_crc = (struct.pack(">hiqqqhii", 0, count - 1, now_ms, now_ms, -1, -1, -1, count) + bytes(records))
    crc = crc32c(after_crc)
    tail = struct.pack(">ibI", 0, 2, crc) + after_crc
    return struct.pack(">qi", 0, len(tail)) + tail


def populate(port, topics, partitions, records):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        body = struct.pack(">i", topics)
        for t in range(topics):
            body += string("t%d" % t) + struct.pack(">ihii", partitions, 1, 0, 0)
        body += struct.pack(">ib", 30000, 0)
        request(sock, 19, 2, 2, body)
        correlation = 3
        for t in range(topics):
            for p in range(partitions):
                batch = record_batch(records, int(time.time() * 1000))
                produce = struct.pack(">hhii", -1, 1, 30000, 1) + string("t%d" % t)
                produce += struct.pack(">ii", 1, p) + struct.pack(">i", len(batch)) + batch
                for attempt in range(100):
                    response = request(sock, 0, 3, correlation, produce)
                    correlation += 1
                    # topics[1]: name, partitions[1]: index int32, error int16
                    name_len = struct.unpack(">h", response[4:6])[0]
                    error = struct.unpack(">h", response[6 + name_len + 8:6 + name_len + 10])[0]
                    if error == 0:
                        break
                    time.sleep(0.05)
                else:
                    raise IOError("produce to t%d-%d failed with error %d" % (t, p, error))
    return 0


def main(argv):
    if argv[1] == "wait-api-versions":
        return wait_api_versions(int(argv[2]), int(argv[3]), float(argv[4]))
    if argv[1] == "populate":
        return populate(int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
