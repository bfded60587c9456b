#!/usr/bin/env python3
"""Sends one QUIC v1 Initial packet carrying a TLS 1.3 ClientHello with a server name, as a client's first datagram
(RFC 9000 17.2.2, RFC 9001 5: Initial keys derived from the destination connection ID, AES-128-GCM, header
protection). No QUIC client is packaged here; tshark derives the same keys and dissects the ClientHello inside.
Usage: quic-initial.py NAME ADDRESS [PORT]. Needs python3-cryptography."""
import os, socket, struct, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives import hmac
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

INITIAL_SALT_V1 = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")

def extract(salt, ikm):
    h = hmac.HMAC(salt, hashes.SHA256()); h.update(ikm); return h.finalize()

def expand_label(secret, label, length):
    full = b"tls13 " + label
    info = struct.pack("!HB", length, len(full)) + full + b"\x00"
    return HKDFExpand(hashes.SHA256(), length, info).derive(secret)

def client_keys(dcid):
    secret = expand_label(extract(INITIAL_SALT_V1, dcid), b"client in", 32)
    return expand_label(secret, b"quic key", 16), expand_label(secret, b"quic iv", 12), expand_label(secret, b"quic hp", 16)

# RFC 9001 Appendix A.1: the keys for its example connection ID.
assert [k.hex() for k in client_keys(bytes.fromhex("8394c8f03e515708"))] == [
    "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2"]

def u16(b): return struct.pack("!H", len(b)) + b
def ext(kind, body): return struct.pack("!H", kind) + u16(body)

def client_hello(name, scid):
    host = name.encode("ascii")
    key = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    extensions = b"".join([
        ext(0x0000, u16(b"\x00" + u16(host))),                   # server_name: one host_name
        ext(0x000a, u16(struct.pack("!H", 0x001d))),             # supported_groups: x25519
        ext(0x000d, u16(struct.pack("!HH", 0x0403, 0x0804))),    # signature_algorithms
        ext(0x0010, u16(bytes([2]) + b"h3")),                    # ALPN: h3
        ext(0x002b, bytes([2]) + struct.pack("!H", 0x0304)),     # supported_versions: TLS 1.3
        ext(0x0033, u16(struct.pack("!H", 0x001d) + u16(key))),  # key_share
        ext(0x0039, bytes([0x0f, len(scid)]) + scid),           # quic_transport_parameters: initial_source_connection_id
    ])
    body = b"\x03\x03" + os.urandom(32) + b"\x00" + u16(struct.pack("!H", 0x1301)) + b"\x01\x00" + u16(extensions)
    return b"\x01" + struct.pack("!I", len(body))[1:] + body

def initial_packet(name):
    dcid, scid = os.urandom(8), os.urandom(8)
    key, iv, hp = client_keys(dcid)
    hello = client_hello(name, scid)
    frames = b"\x06\x00" + struct.pack("!H", 0x4000 | len(hello)) + hello  # CRYPTO, offset 0, two-byte length
    pn_len, pn = 4, 0
    header_base = bytes([0xc0 | (pn_len - 1)]) + struct.pack("!I", 1) + bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid + b"\x00"
    # Padding inside the payload makes the datagram 1200 bytes, the least a client's Initial may be.
    payload = frames + b"\x00" * max(0, 1200 - len(header_base) - 2 - pn_len - len(frames) - 16)
    header = header_base + struct.pack("!H", 0x4000 | (pn_len + len(payload) + 16)) + struct.pack("!I", pn)
    nonce = bytes(a ^ b for a, b in zip(iv, pn.to_bytes(12, "big")))
    sealed = AESGCM(key).encrypt(nonce, payload, header)
    pn_at = len(header) - pn_len
    sample = sealed[4 - pn_len:4 - pn_len + 16]
    mask = Cipher(algorithms.AES(hp), modes.ECB()).encryptor().update(sample)
    protected = bytearray(header)
    protected[0] ^= mask[0] & 0x0f
    for i in range(pn_len): protected[pn_at + i] ^= mask[1 + i]
    return bytes(protected) + sealed

if __name__ == "__main__":
    name, address = sys.argv[1], sys.argv[2]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 443
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(initial_packet(name), (address, port))
