"""Media pipeline benchmark: photo cleaning time, video transcode time and memory.

Run with `python benchmarks/media_bench.py`. Everything it measures is made here in a
temporary folder (no media files in the repository):

- a 12-megapixel JPEG (4000x3000, noisy like a real photo, with EXIF) and a 12-megapixel
  HEIC, each cleaned with `clean_image`: best of 3 after one warm-up. Target: under 1 s.
- a 60 s 1080p HEVC clip (H.264 if this FFmpeg has no HEVC encoder) transcoded to 720p
  H.264 with `transcode_video` in a fresh process, whose peak RSS (ru_maxrss, which sees
  FFmpeg's C allocations that tracemalloc cannot) is compared with its RSS just before the
  transcode. Target: the rise stays under 100 MB.

`run()` returns rows {"name", "value", "unit", "target", "ok"} for `python -m benchmarks`;
"target" is text such as "< 1 s" ("" for figures given for information).
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script: make the project importable without installing it.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av
import pillow_heif
from PIL import Image

from participation.media.processing import MediaLimits, clean_image, transcode_video

PHOTO_SIZE = (4000, 3000)
CLIP_SECONDS = 60
CLIP_RATE = 30
CLIP_SIZE = (1920, 1080)
SEGMENT_SECONDS = 3
HEIC_QUALITY = 50  # about 3-4 MB at 12 MP, as phones write them (the default makes ~9 MB)
PHOTO_TARGET_S = 1.0
RSS_TARGET_MB = 100.0


def make_photo() -> Image.Image:
    """A 12 MP picture that compresses like a phone photo (about 5 MB as a q92 JPEG).

    Smooth large shapes, some mid-scale detail and a little sensor grain: pure noise would
    make files several times bigger than any camera's, and much slower to decode.
    """

    def noise(size: tuple[int, int], sigma: float) -> Image.Image:
        channels = [Image.effect_noise(size, sigma) for _ in range(3)]
        return Image.merge("RGB", channels).resize(PHOTO_SIZE, Image.Resampling.BICUBIC)

    shapes = noise((200, 150), 90)
    detail = noise((1000, 750), 70)
    grain = noise(PHOTO_SIZE, 40)
    return Image.blend(Image.blend(shapes, detail, 0.35), grain, 0.2)


def photo_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPad Pro"
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 26.0), "W", (0.0, 7.0, 39.0)
    return exif


def best_of(runs: int, action: Any) -> float:
    """Best wall time of `runs` calls, after one untimed warm-up call."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def make_clip(folder: Path) -> tuple[Path, str]:
    """Make the 60 s 1080p test clip; return its path and the video codec used.

    Encoding a full minute of 1080p HEVC here takes minutes (x265 manages under 10 frames a
    second on 2 cores), so one short segment is encoded and its packets are repeated with
    shifted timestamps: the result decodes exactly like a 60 s clip. The sound is a real
    60 s AAC track, interleaved segment by segment.
    """
    codec = "libx265" if "libx265" in av.codecs_available else "libx264"
    width, height = CLIP_SIZE
    options = {"preset": "ultrafast", "crf": "24"}
    if codec == "libx265":
        options["x265-params"] = "log-level=error"
    segment = folder / "segment.mp4"
    source = f"testsrc2=size={width}x{height}:rate={CLIP_RATE}:duration={SEGMENT_SECONDS}"
    with av.open(str(segment), "w", format="mp4") as out:
        video: Any = out.add_stream(codec, rate=CLIP_RATE, options=options)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.gop_size = CLIP_RATE * 2
        with av.open(source, format="lavfi") as src:
            for picture in src.decode(video=0):
                out.mux(video.encode(picture))
        out.mux(video.encode(None))

    clip = folder / "clip.mp4"
    tone = f"sine=frequency=440:duration={CLIP_SECONDS}:sample_rate=48000"
    with (
        av.open(str(segment)) as seg,
        av.open(str(clip), "w", format="mp4") as out,
        av.open(tone, format="lavfi") as sound,
    ):
        seg_video: Any = seg.streams.video[0]
        video_out = out.add_stream_from_template(seg_video)
        audio: Any = out.add_stream("aac", rate=48000, layout="stereo")
        samples = sound.decode(audio=0)
        step = round(SEGMENT_SECONDS / seg_video.time_base)
        for copy in range(CLIP_SECONDS // SEGMENT_SECONDS):
            seg.seek(0)
            for packet in seg.demux(seg_video):
                if packet.dts is None or packet.pts is None:
                    continue  # the demuxer's end-of-stream marker
                packet.pts += copy * step
                packet.dts += copy * step
                packet.stream = video_out
                out.mux(packet)
            for frame in samples:
                out.mux(audio.encode(frame))
                if frame.time is not None and frame.time >= (copy + 1) * SEGMENT_SECONDS:
                    break
        for frame in samples:
            out.mux(audio.encode(frame))
        out.mux(audio.encode(None))
    segment.unlink()
    return clip, "HEVC" if codec == "libx265" else "H.264"


def _memory_kib(field: str) -> int | None:
    """A field of /proc/self/status (VmRSS, VmHWM) in KiB, or None off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset this process's peak-RSS mark (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def _transcode_child(src: str, out_dir: str, queue: Any) -> None:
    """In a fresh process: RSS before, transcode, peak RSS after (KiB).

    ru_maxrss is kept across fork+exec on Linux, so a spawned child would start with its
    parent's peak; VmHWM belongs to the new address space and can be reset, so it is used
    when available (ru_maxrss otherwise).
    """
    # Everything is imported by now: the baseline is a warmed-up worker.
    exact = _reset_peak()
    before = _memory_kib("VmRSS") if exact else None
    if before is None:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = transcode_video(
        Path(src), Path(out_dir) / "out.mp4", Path(out_dir) / "poster.jpg", MediaLimits()
    )
    elapsed = time.perf_counter() - started
    peak = _memory_kib("VmHWM") if exact else None
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put(
        {
            "before_kib": before,
            "peak_kib": peak,
            "seconds": elapsed,
            "size": (result.width, result.height),
            "duration": result.duration_seconds,
        }
    )


def run() -> list[dict[str, Any]]:
    """Run every measurement and return the rows."""
    rows: list[dict[str, Any]] = []
    pillow_heif.register_heif_opener()
    with tempfile.TemporaryDirectory(prefix="media-bench-") as tmp:
        folder = Path(tmp)
        photo = make_photo()
        jpeg = folder / "photo.jpg"
        photo.save(jpeg, "JPEG", quality=92, exif=photo_exif())
        heic = folder / "photo.heic"
        photo.save(heic, "HEIF", quality=HEIC_QUALITY, exif=photo_exif().tobytes())
        del photo
        for label, src in (("JPEG", jpeg), ("HEIC", heic)):
            seconds = best_of(
                3, lambda s=src: clean_image(s, folder / "out.jpg", folder / "thumb.jpg")
            )
            rows.append(
                {
                    "name": f"clean_image 12 MP {label} ({src.stat().st_size // 1024} KB)",
                    "value": round(seconds, 3),
                    "unit": "s",
                    "target": f"< {PHOTO_TARGET_S:g} s",
                    "ok": seconds < PHOTO_TARGET_S,
                }
            )

        started = time.perf_counter()
        clip, codec = make_clip(folder)
        made_in = time.perf_counter() - started
        megabytes = clip.stat().st_size / 1e6

        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_transcode_child, args=(str(clip), tmp, queue))
        child.start()
        measured = queue.get(timeout=600)
        child.join()
        rise_mb = (measured["peak_kib"] - measured["before_kib"]) / 1024
        speed = CLIP_SECONDS / measured["seconds"]
        name = f"transcode {CLIP_SECONDS} s 1080p {codec} ({megabytes:.0f} MB) -> 720p H.264"
        rows += [
            {
                "name": name,
                "value": round(measured["seconds"], 2),
                "unit": "s",
                "target": "",
                "ok": True,
            },
            {
                "name": "transcode speed",
                "value": round(speed, 2),
                "unit": "x realtime",
                "target": "",
                "ok": True,
            },
            {
                "name": "transcode peak RSS rise (fresh process)",
                "value": round(rise_mb, 1),
                "unit": "MB",
                "target": f"< {RSS_TARGET_MB:g} MB",
                "ok": rise_mb < RSS_TARGET_MB,
            },
            {
                "name": "transcode peak RSS total",
                "value": round(measured["peak_kib"] / 1024, 1),
                "unit": "MB",
                "target": "",
                "ok": True,
            },
            {
                "name": f"(making the {codec} test clip)",
                "value": round(made_in, 1),
                "unit": "s",
                "target": "",
                "ok": True,
            },
        ]
    return rows


def main() -> int:
    """Print the table; exit 1 if a target is missed."""
    rows = run()
    width = max(len(row["name"]) for row in rows)
    print(f"{'measure':<{width}}  {'value':>9}  {'unit':<11} target")
    for row in rows:
        flag = "" if row["ok"] else "  MISSED"
        print(f"{row['name']:<{width}}  {row['value']:>9}  {row['unit']:<11} {row['target']}{flag}")
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
