# ruff: noqa
"""Reach the network: resolve a name, connect to the grading machine's loopback listeners
(TCP on 127.0.0.1 and ::1, UDP on 127.0.0.1). Only loopback and unresolvable names."""

import socket


def attempt(name, action):
    try:
        action()
        return f"{name}=OK"
    except OSError as exc:
        return f"{name}={type(exc).__name__}"


def add(a, b):
    ports = HOST["ports"]
    report = [attempt("dns", lambda: socket.getaddrinfo("harness-attack.invalid", 80))]
    report.append(attempt("dns-localhost", lambda: socket.getaddrinfo("localhost", ports["tcp4"])))
    report.append(attempt("tcp4", lambda: socket.create_connection(("127.0.0.1", ports["tcp4"]), timeout=0.5).close()))
    if ports.get("tcp6"):
        report.append(attempt("tcp6", lambda: socket.create_connection(("::1", ports["tcp6"]), timeout=0.5).close()))

    def udp():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"exfiltrated", ("127.0.0.1", ports["udp4"]))

    report.append(attempt("udp4", udp))
    report.append(f"interfaces={[name for _, name in socket.if_nameindex()]}")
    raise RuntimeError("PROBE " + " ".join(report))


def reveal():
    return "nothing"
