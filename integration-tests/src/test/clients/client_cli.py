"""What the Python client scripts for OtherClientsIT share: their command line and kcat -L's partition line.

python3 <script> <bootstrap> <command> <topic> <number> runs the script's command; any failure exits 1 with
the error on stderr.
"""
import sys


def partition_line(partition, leader, replicas, isrs):
    """One partition as kcat -L prints it: "partition <p>, leader <id>, replicas: <ids>, isrs: <ids>"."""
    return (f"partition {partition}, leader {leader}, replicas: {','.join(map(str, replicas))}, "
            f"isrs: {','.join(map(str, isrs))}")


def run(commands):
    """Calls commands[<command>](bootstrap, topic, number) with the script's arguments."""
    try:
        bootstrap, command, topic, number = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        commands[command](bootstrap, topic, number)
    except Exception as e:  # noqa: BLE001 - any failure is reported to the test
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
