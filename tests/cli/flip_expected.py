#!/usr/bin/python3
"""Flips one bit of one record's expected block in a .hif4v file and rewrites that frame's CRC
(docs/vectors.md), so the file stays valid but expects a wrong output: an injected fault that
every checker must report.

  flip_expected.py FILE RECORD      (RECORD: the file's own record number, from 0)
"""
import struct
import sys
import zlib

RECORD_BYTES, EXPECTED_AT = 172, 128


def main():
    path, record = sys.argv[1], int(sys.argv[2])
    data = bytearray(open(path, "rb").read())
    header = struct.unpack_from("<I", data, 12)[0]
    count = struct.unpack_from("<Q", data, 16)[0]
    per_frame = struct.unpack_from("<I", data, 28)[0]
    assert 0 <= record < count, "record %d of %d" % (record, count)
    frame, index = divmod(record, per_frame)
    frame_at = header + frame * (per_frame * RECORD_BYTES + 4)
    in_frame = min(per_frame, count - frame * per_frame)
    data[frame_at + index * RECORD_BYTES + EXPECTED_AT + 4] ^= 0x01  # lane 0's S1P2 code, bit 0
    crc_at = frame_at + in_frame * RECORD_BYTES
    struct.pack_into("<I", data, crc_at, zlib.crc32(bytes(data[frame_at:crc_at])))
    open(path, "wb").write(data)


if __name__ == "__main__":
    main()
