#!/usr/bin/env python3
"""A producer of itar-ingest wire format 1.x records in another language.

Written from wire-format.md alone, with only the Python standard library (a
hand-written minimal CBOR encoder, RFC 8949, definite lengths).

Usage:  python3 encode_frames.py OUTDIR [--recording ID] [--minor 1]

Writes one recording of eight records to OUTDIR as NNN.key (the Kafka record
key: the recording id, UTF-8) and NNN.cbor (the record value), NNN = 000..007,
in the order a logger would send them:

  000 start       sequence_id "py-seq-1", meta {"producer": "encode_frames.py", "run": 1}
  001 intrinsics  sensor "cam_front", kind "camera", model {...}
  002 static_pose lidar_top -> rig, translation (1.5, 0, 1.8), rotation 90 deg about z
  003 pose        rig -> world at t=1000050, translation (10, -2, 0.5), identity rotation
  004 camera      cam_front, t0=1000000, t1=1000033, jpeg, 6 bytes, meta {"exposure_us": 800}
  005 lidar       lidar_top, t0=1000000, t1=1000100, n=3, r=2, one absent return (NaN)
  006 radar       radar_front, t0=1000010, t1=1000020, n=2, r=1
  007 end         t=1000100

With --minor 1, the records wire format 1.1 adds come before `end` (which is
then 012), so the recording has thirteen:

  007 component_meta     cameras/cam_front, meta {"mount": "roof", "fov_deg": 120.5}
  008 static_pose        cam_front -> rig, dtype float32, translation (0.25, 0, 1.5)
  009 camera_masks       cam_front: "ego" (png, 8 bytes), then "hood" (png, 4 bytes)
  010 cuboid_observation track "t-1", class "automobile", at 1000050 in lidar_top
                         at 1000100, centroid (12.5, -3.25, 0.75), dim (4.5, 1.9,
                         1.6), rot (0, 0, 1.25), AUTOLABEL, source version "al-1"
  011 cuboid_observation instance "gt", track "t-2", class "pedestrian", at 1000060
                         in rig at 1000060, centroid (2, 1, 0), dim (0.5, 0.5,
                         1.8), rot (0, 0, 0), GT_ANNOTATION, no source version
  012 end                t=1000100

The JUnit test CrossLanguageTest decodes every record and checks these values.
"""
import argparse
import math
import os
import struct
import sys


# ---------------------------------------------------------------- CBOR ----

def _head(major, value):
    if value < 24:
        return bytes([(major << 5) | value])
    if value < 0x100:
        return bytes([(major << 5) | 24, value])
    if value < 0x10000:
        return bytes([(major << 5) | 25]) + struct.pack(">H", value)
    if value < 0x100000000:
        return bytes([(major << 5) | 26]) + struct.pack(">I", value)
    return bytes([(major << 5) | 27]) + struct.pack(">Q", value)


def cbor(value):
    """Encodes None, bool, int, float, str, bytes, list and dict (insertion order)."""
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, (bytes, bytearray)):
        return _head(2, len(value)) + bytes(value)
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        out = [_head(5, len(value))]
        for k, v in value.items():
            out.append(cbor(k))
            out.append(cbor(v))
        return b"".join(out)
    raise TypeError("cannot encode %r" % type(value))


# ------------------------------------------------------- little-endian ----

def f32(*values):
    return struct.pack("<%df" % len(values), *values)


def u64(*values):
    return struct.pack("<%dQ" % len(values), *values)


def u16(*values):
    return struct.pack("<%dH" % len(values), *values)


def f64(*values):
    return struct.pack("<%dd" % len(values), *values)


NAN = float("nan")


def frames(minor=0):
    s = math.sqrt(0.5)
    records = [
        {"v": 1, "type": "start", "sequence_id": "py-seq-1",
         "meta": {"producer": "encode_frames.py", "run": 1}},
        {"v": 1, "type": "intrinsics", "sensor": "cam_front", "kind": "camera",
         "model": {"resolution": [1920, 1080], "shutter_type": "GLOBAL",
                   "principal_point": [960.0, 540.0], "focal_length": [1000.5, 1000.5],
                   "radial_coeffs": [0.1, -0.05, 0.0, 0.0, 0.0, 0.0],
                   "external_distortion": None}},
        {"v": 1, "type": "static_pose", "source": "lidar_top", "target": "rig",
         "matrix": f64(0.0, -1.0, 0.0, 1.5,
                       1.0, 0.0, 0.0, 0.0,
                       0.0, 0.0, 1.0, 1.8,
                       0.0, 0.0, 0.0, 1.0)},
        {"v": 1, "type": "pose", "source": "rig", "target": "world", "t": 1000050,
         "matrix": f64(1.0, 0.0, 0.0, 10.0,
                       0.0, 1.0, 0.0, -2.0,
                       0.0, 0.0, 1.0, 0.5,
                       0.0, 0.0, 0.0, 1.0)},
        {"v": 1, "type": "camera", "sensor": "cam_front", "t0": 1000000, "t1": 1000033,
         "format": "jpeg", "image": b"\xff\xd8\xff\xe0\xff\xd9",
         "meta": {"exposure_us": 800}},
        {"v": 1, "type": "lidar", "sensor": "lidar_top", "t0": 1000000, "t1": 1000100,
         "n": 3, "r": 2,
         "direction": f32(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, s, 0.0, s),
         "timestamp_us": u64(1000000, 1000050, 1000100),
         # R x N: first returns of rays 0..2, then second returns (ray 1 has none)
         "distance_m": f32(10.0, 20.5, 3.25, 11.0, NAN, 4.0),
         "intensity": f32(0.5, 1.0, 0.0, 0.25, NAN, 0.75),
         "model_element": u16(0, 0, 1, 0, 2, 1),
         "data": {"ring": {"dtype": "uint8", "shape": [3], "bytes": bytes([0, 1, 2])}}},
        {"v": 1, "type": "radar", "sensor": "radar_front", "t0": 1000010, "t1": 1000020,
         "n": 2, "r": 1,
         "direction": f32(0.0, 0.0, 1.0, 0.6, 0.8, 0.0),
         "timestamp_us": u64(1000010, 1000020),
         "distance_m": f32(42.0, NAN)},
    ]
    if minor >= 1:
        records += [
            {"v": 1, "type": "component_meta", "component": "cameras", "instance": "cam_front",
             "meta": {"mount": "roof", "fov_deg": 120.5}},
            {"v": 1, "type": "static_pose", "source": "cam_front", "target": "rig",
             "matrix": f32(1.0, 0.0, 0.0, 0.25,
                           0.0, 1.0, 0.0, 0.0,
                           0.0, 0.0, 1.0, 1.5,
                           0.0, 0.0, 0.0, 1.0),
             "dtype": "float32"},
            {"v": 1, "type": "camera_masks", "camera": "cam_front",
             "masks": [{"name": "ego", "format": "png", "image": b"\x89PNG\r\n\x1a\n"},
                       {"name": "hood", "format": "png", "image": b"\x89PNG"}]},
            {"v": 1, "type": "cuboid_observation", "track_id": "t-1", "class_id": "automobile",
             "timestamp_us": 1000050, "reference_frame_id": "lidar_top",
             "reference_frame_timestamp_us": 1000100,
             "centroid": f64(12.5, -3.25, 0.75), "dim": f64(4.5, 1.9, 1.6), "rot": f64(0.0, 0.0, 1.25),
             "source": "AUTOLABEL", "source_version": "al-1"},
            {"v": 1, "type": "cuboid_observation", "instance": "gt", "track_id": "t-2",
             "class_id": "pedestrian", "timestamp_us": 1000060, "reference_frame_id": "rig",
             "reference_frame_timestamp_us": 1000060,
             "centroid": f64(2.0, 1.0, 0.0), "dim": f64(0.5, 0.5, 1.8), "rot": f64(0.0, 0.0, 0.0),
             "source": "GT_ANNOTATION"},
        ]
    records.append({"v": 1, "type": "end", "t": 1000100})
    return records


def main(argv):
    parser = argparse.ArgumentParser(description="Write wire format 1.x records as NNN.key / NNN.cbor files.")
    parser.add_argument("outdir")
    parser.add_argument("--recording", default="py-recording-1", help="recording id (record key)")
    parser.add_argument("--minor", type=int, default=0, choices=[0, 1],
                        help="also write the record types of wire format 1.MINOR")
    args = parser.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    for i, frame in enumerate(frames(args.minor)):
        with open(os.path.join(args.outdir, "%03d.key" % i), "wb") as f:
            f.write(args.recording.encode("utf-8"))
        with open(os.path.join(args.outdir, "%03d.cbor" % i), "wb") as f:
            f.write(cbor(frame))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
