"""The dataplane's control channel as a test peer sees it (docs/channel.md): the message
header, a message, and connecting to the dataplane's SOCK_SEQPACKET socket. Shared by the
tools that play snode-control (direct_golden.py, hop3_client.py)."""
import socket
import struct
import time

CHAN = struct.Struct("<BBHIQIHH")  # version, type, flags, body_len, ref label, ip, port, worker


def chan_msg(mtype, body, flags=0, ref=(0, 0, 0, 0)):
    """One version-1 message: header (ref = label, ip, port, worker) then body."""
    return CHAN.pack(1, mtype, flags, len(body), *ref) + body


def connect(path, timeout):
    """The dataplane's channel socket, retried every 50 ms until it listens or timeout s."""
    end = time.time() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > end:
                raise
            time.sleep(0.05)
