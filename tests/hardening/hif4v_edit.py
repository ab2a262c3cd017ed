#!/usr/bin/env python3
"""Rewrite the header of a .hif4v vector file (docs/vectors.md) with valid CRCs, to make files
that are well-formed but hostile: a suite name with JSON metacharacters, or no records at all.

  hif4v_edit.py IN OUT --suite-name INDEX NAME   rename suite INDEX (same records)
  hif4v_edit.py IN OUT --empty                   the same header with 0 records, no suites
"""
import struct
import sys
import zlib

FIXED = 56  # magic .. the 3 zero bytes after the level


def read_str(b, pos):
    n = struct.unpack_from("<H", b, pos)[0]
    return b[pos + 2:pos + 2 + n].decode("ascii"), pos + 2 + n


def put_str(s):
    raw = s.encode("ascii")
    return struct.pack("<H", len(raw)) + raw


def main():
    src, dst, what = sys.argv[1], sys.argv[2], sys.argv[3]
    data = open(src, "rb").read()
    size = struct.unpack_from("<I", data, 12)[0]
    head = data[:size - 4]
    assert zlib.crc32(head) == struct.unpack_from("<I", data, size - 4)[0], "bad header CRC"
    pos = FIXED
    strings = []
    for _ in range(3):  # profile, generator, suite selection
        s, pos = read_str(head, pos)
        strings.append(s)
    k = struct.unpack_from("<H", head, pos)[0]
    knobs_start = pos
    pos += 2
    for _ in range(2 * k):
        _, pos = read_str(head, pos)
    knobs = head[knobs_start:pos]
    n = struct.unpack_from("<H", head, pos)[0]
    pos += 2
    suites = []
    for _ in range(n):
        name, pos = read_str(head, pos)
        first, count = struct.unpack_from("<QQ", head, pos)
        pos += 16
        suites.append([name, first, count])
    records = data[size:]
    fixed = bytearray(head[:FIXED])
    if what == "--suite-name":
        suites[int(sys.argv[4])][0] = sys.argv[5]
    elif what == "--empty":
        suites, records = [], b""
        struct.pack_into("<Q", fixed, 16, 0)
    else:
        sys.exit("unknown edit " + what)
    body = b"".join(put_str(s) for s in strings) + knobs + struct.pack("<H", len(suites))
    body += b"".join(put_str(name) + struct.pack("<QQ", first, count) for name, first, count in suites)
    new_size = FIXED + len(body) + 4
    struct.pack_into("<I", fixed, 12, new_size)
    new_head = bytes(fixed) + body
    open(dst, "wb").write(new_head + struct.pack("<I", zlib.crc32(new_head)) + records)


if __name__ == "__main__":
    main()
