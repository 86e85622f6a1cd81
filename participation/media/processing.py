"""The media pipeline: decide what a file is, then rebuild it from its pixels and samples.

Nothing a child uploads is ever kept or served as it arrived. Photos are decoded and
re-encoded as fresh JPEGs (orientation applied, every piece of metadata gone); videos are
decoded and re-encoded as H.264 + AAC in MP4 with no container or stream tags. Anything that
is not on the allowlist, or that will not decode, is refused with a `MediaRejected` whose
`reason` the web layer turns into children's words.

This module is pure: no Flask, no database. Every output is written to a temporary name in
its destination folder, fsynced and renamed, so a crash never leaves a half-written file
under a real name (the storage sweeper removes leftover temporary files).
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Final, Literal

import av
import av.bitstream
import av.filter
import av.stream
import filetype
import pillow_heif
from PIL import Image, ImageFile, ImageFilter, ImageOps

# pillow-heif adds a "HEIF" format to Pillow; it is only ever used through the explicit
# `formats=` allowlist below. Registering twice is harmless.
pillow_heif.register_heif_opener()

Reason = Literal[
    "empty",
    "not-allowed",
    "gif",  # not allowed either: said apart, since a child sends one meaning a photo
    "damaged",
    "too-many-pixels",
    "too-large",
    "too-long",
    "too-high-resolution",
    "no-video",
]

MiB: Final = 1024 * 1024

# Temporary files start with this prefix so that `FolderStorage.sweep_temp` (and anyone
# cleaning a work folder) can tell an interrupted write from a finished file. Keys may not
# start with a dot, so a temporary name can never be mistaken for a stored object.
TEMP_PREFIX: Final = ".tmp-"


class MediaRejected(Exception):
    """A file we will not store. `reason` is a stable code; the web layer words it."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: Reason = reason
        self.detail = detail


@dataclass(frozen=True)
class MediaLimits:
    """Caps on what we accept and how big we make things.

    Video resolution is checked independently of orientation: a frame is allowed when it
    fits inside `max_video_width` x `max_video_height` either way round AND its short side
    is at most `max_video_short_side`. With the defaults that admits UHD and DCI 4K
    (3840x2160, 4096x2160) landscape or portrait, and refuses a 4096x4096 square "frame
    bomb" or a 5000-pixel-wide strip.

    Transcoded video fits inside a `video_target_height`p box either way round: short side
    at most `video_target_height`, long side at most 16/9 of it (1280 for 720). Frame rate
    is capped at `max_video_fps` (slow-motion clips are thinned, not refused).
    """

    max_image_pixels: int = 40_000_000
    max_image_bytes: int = 30 * MiB
    max_side: int = 2048
    thumb_side: int = 400
    max_video_bytes: int = 200 * MiB
    max_video_seconds: float = 180
    max_video_width: int = 4096
    max_video_height: int = 4096
    max_video_short_side: int = 2304
    video_target_height: int = 720
    max_video_fps: int = 60
    jpeg_quality: int = 85
    thumb_quality: int = 80


DEFAULT_LIMITS: Final = MediaLimits()


# --------------------------------------------------------------------------------------
# Sniffing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    """What a file really is, decided from its bytes."""

    kind: Literal["image", "video"]
    mime: str


# mime (as `filetype` reports it) -> Pillow format name. Only these are ever decoded.
_IMAGE_FORMATS: Final[dict[str, str]] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}

# mime -> the one FFmpeg demuxer allowed to read it (forcing the demuxer stops FFmpeg from
# probing its way into any of the dozens of other formats it can parse).
_VIDEO_DEMUXERS: Final[dict[str, str]] = {
    "video/mp4": "mov,mp4,m4a,3gp,3g2,mj2",
    "video/quicktime": "mov,mp4,m4a,3gp,3g2,mj2",
    "video/webm": "matroska,webm",
}

_CONTAINER_NAMES: Final[dict[str, str]] = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
}

# Decoders we are willing to run on untrusted input: what phones, tablets and browsers
# actually record. Everything else FFmpeg can decode is attack surface we do not need.
_VIDEO_CODECS: Final = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "mpeg4"})
_AUDIO_CODECS: Final = frozenset({"aac", "mp3", "opus", "vorbis", "alac", "flac", "ac3", "eac3"})


def sniff(path: Path) -> Sniffed:
    """Decide a file's type from its content (never its name) against the allowlist.

    Raises `MediaRejected("empty")` for a zero-byte file and `MediaRejected("not-allowed")`
    for anything that is not a JPEG, PNG, WebP or HEIC photo or an MP4, MOV or WebM video
    (HTML, SVG, EPS, scripts, GIFs and audio-only files included).
    """
    if path.stat().st_size == 0:
        raise MediaRejected("empty")
    # filetype reads only the first few KB and matches magic numbers; an SVG or HTML file
    # has none it recognises, so it comes back as None and is refused.
    guess = filetype.guess(str(path))
    mime = guess.mime if guess is not None else ""
    if mime in _IMAGE_FORMATS:
        return Sniffed("image", mime)
    if mime in _VIDEO_DEMUXERS:
        return Sniffed("video", mime)
    if mime == "image/gif":
        # Said apart: a child sends one meaning a photo (QA: "We couldn't use that photo" did
        # not say why, nor what would do).
        raise MediaRejected("gif", mime)
    raise MediaRejected("not-allowed", mime or "unrecognised content")


# --------------------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    # The rename is only durable once the directory entry itself reaches the disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_temp(dest: Path) -> Path:
    """A fresh, empty temporary file beside `dest` (same filesystem, so rename is atomic)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=dest.parent)
    os.close(fd)
    return Path(name)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _staged(*dests: Path) -> Iterator[list[Path]]:
    """Yield one temp path per destination; on success fsync and rename them all in.

    On any exception every temp file is removed and no destination is touched, so a refused
    or failed file leaves nothing behind.
    """
    temps: list[Path] = []
    try:
        for dest in dests:
            temps.append(_new_temp(dest))
        yield temps
        for temp in temps:
            _fsync_file(temp)
        for temp, dest in zip(temps, dests, strict=True):
            os.replace(temp, dest)
        for folder in {dest.parent for dest in dests}:
            _fsync_dir(folder)
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise


def _write_with(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    with open(path, "wb") as fh:
        write(fh)
        fh.flush()


# --------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageResult:
    """Pixel sizes of the cleaned photo and its thumbnail."""

    width: int
    height: int
    thumb_width: int
    thumb_height: int


_WHITE: Final = (255, 255, 255)


@contextlib.contextmanager
def _open_image(path: Path, pil_format: str, limits: MediaLimits) -> Iterator[Image.Image]:
    """Open an image with only `pil_format` allowed and the pixel-bomb check armed.

    Pillow checks width x height against `Image.MAX_IMAGE_PIXELS` inside `Image.open`, after
    reading only the header: above twice the limit it raises `DecompressionBombError`, above
    the limit it warns. We turn the warning into an error locally so both refuse the file
    before a single pixel is decoded. MAX_IMAGE_PIXELS is process-wide and catch_warnings
    is not thread-safe before Python 3.14, so we also check the size ourselves straight
    after open (still before any decoding): that check holds whatever other threads do.
    """
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    # Another library in the process (WeasyPrint does, on import) may have told Pillow to accept
    # truncated images; a broken upload must still be refused, so say no again here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path, formats=[pil_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRejected("too-many-pixels", str(exc)) from exc
    except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaRejected("damaged", str(exc)) from exc
    with im:
        if im.width * im.height > limits.max_image_pixels:
            raise MediaRejected("too-many-pixels", f"{im.width}x{im.height}")
        if im.width < 1 or im.height < 1:
            raise MediaRejected("damaged", "no pixels")
        yield im


def _to_plain_rgb(im: Image.Image) -> Image.Image:
    """Return a brand-new RGB image holding only `im`'s pixels (no info, EXIF, ICC, XMP).

    Transparency is flattened onto white, as a child would expect to see it on the page.
    """
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # 16-bit or float greyscale: scale into 8 bits rather than letting values clip.
        im = im.convert("I").point(lambda v: v / 256).convert("L")
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        im.mode == "P" and "transparency" in im.info
    )
    fresh = Image.new("RGB", im.size, _WHITE)
    if has_alpha:
        rgba = im.convert("RGBA")
        fresh.paste(rgba, mask=rgba.getchannel("A"))
    else:
        fresh.paste(im if im.mode == "RGB" else im.convert("RGB"))
    return fresh


def _save_jpeg(im: Image.Image, fh: IO[bytes], quality: int) -> None:
    # `exif=b""` and no icc_profile: the encoder is told explicitly to write no metadata,
    # on top of the image being fresh (its .info is empty).
    im.save(fh, "JPEG", quality=quality, optimize=True, progressive=True, exif=b"")


def _write_photo_pair(
    im: Image.Image, dest: Path, thumb_dest: Path | None, limits: MediaLimits
) -> ImageResult:
    """Write `im` (a fresh RGB image) and, if asked, its thumbnail, atomically."""
    thumb = im.copy()
    thumb.thumbnail((limits.thumb_side, limits.thumb_side), Image.Resampling.LANCZOS)
    dests = [dest] if thumb_dest is None else [dest, thumb_dest]
    with _staged(*dests) as temps:
        _write_with(temps[0], lambda fh: _save_jpeg(im, fh, limits.jpeg_quality))
        if thumb_dest is not None:
            _write_with(temps[1], lambda fh: _save_jpeg(thumb, fh, limits.thumb_quality))
    return ImageResult(im.width, im.height, thumb.width, thumb.height)


def _check_size(path: Path, cap: int) -> None:
    size = path.stat().st_size
    if size == 0:
        raise MediaRejected("empty")
    if size > cap:
        raise MediaRejected("too-large", f"{size} bytes")


def clean_image(
    src: Path, dest: Path, thumb_dest: Path, limits: MediaLimits = DEFAULT_LIMITS
) -> ImageResult:
    """Rebuild a photo from its pixels into `dest` (JPEG) and a thumbnail into `thumb_dest`.

    The result is upright (EXIF orientation applied), at most `limits.max_side` pixels on its
    long side, RGB with transparency on white, and carries no EXIF, GPS, XMP, ICC profile or
    comment. Both files appear atomically or not at all.

    Raises `MediaRejected` with "empty", "not-allowed", "too-large", "too-many-pixels" or
    "damaged"; nothing is written in that case.
    """
    _check_size(src, limits.max_image_bytes)
    sniffed = sniff(src)
    if sniffed.kind != "image":
        raise MediaRejected("not-allowed", sniffed.mime)
    pil_format = _IMAGE_FORMATS[sniffed.mime]

    # First pass: verify() walks the file's structure (CRCs for PNG) without keeping pixels.
    # It leaves the image unusable, hence the reopen.
    with _open_image(src, pil_format, limits) as im:
        try:
            im.verify()
        except Exception as exc:
            raise MediaRejected("damaged", str(exc)) from exc

    with _open_image(src, pil_format, limits) as im:
        box = (limits.max_side, limits.max_side)
        if pil_format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the photo is far bigger than
            # we keep: much less work and memory. Square box, so orientation does not matter.
            im.draft("RGB", box)
        try:
            # Shrink first, then turn upright: the same result as the other way round
            # (the box is square) with a fraction of the pixels to move. thumbnail() keeps
            # .info, so exif_transpose still sees the orientation tag.
            # Bicubic (antialiased in Pillow) is about 1.5x faster than Lanczos here and
            # looks the same at these ratios; it matters for the 1 s target on 12 MP.
            im.thumbnail(box, Image.Resampling.BICUBIC)
            upright = ImageOps.exif_transpose(im)
        except (OSError, SyntaxError, ValueError) as exc:
            # Pillow raises OSError("image file is truncated") and friends on bad data.
            raise MediaRejected("damaged", str(exc)) from exc
    with upright:
        clean = _to_plain_rgb(upright)
    with clean:
        return _write_photo_pair(clean, dest, thumb_dest, limits)


@dataclass(frozen=True)
class Region:
    """A rectangle as fractions (0..1) of the image, so it does not depend on display size."""

    x: float
    y: float
    w: float
    h: float

    def to_box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The pixel box (left, top, right, bottom) this region covers, clamped to the image.

        Raises ValueError for a region that is not finite, has no positive size, or lies
        entirely outside the image.
        """
        values = (self.x, self.y, self.w, self.h)
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"region has a non-finite value: {self}")
        if self.w <= 0 or self.h <= 0:
            raise ValueError(f"region must have a positive size: {self}")
        # Round outwards so a region never leaves a sliver of face uncovered.
        left = max(0, math.floor(self.x * width))
        top = max(0, math.floor(self.y * height))
        right = min(width, math.ceil((self.x + self.w) * width))
        bottom = min(height, math.ceil((self.y + self.h) * height))
        if right <= left or bottom <= top:
            raise ValueError(f"region lies outside the image: {self}")
        return left, top, right, bottom


def _blur_patch(patch: Image.Image) -> Image.Image:
    """Make a patch unrecognisable: pixelate to about six cells across, then smooth.

    Pixelating throws the detail away (a blur alone can sometimes be partly undone); the
    blur afterwards hides the blocky edges so it reads as "blurred", not as a glitch.
    """
    width, height = patch.size
    cell = max(2, min(width, height) // 6)
    small = patch.resize(
        (max(1, width // cell), max(1, height // cell)), Image.Resampling.BOX, reducing_gap=None
    )
    blocky = small.resize((width, height), Image.Resampling.NEAREST)
    return blocky.filter(ImageFilter.GaussianBlur(radius=cell / 2))


_COVER_COLOUR: Final = (32, 32, 32)


def hide_regions(
    src: Path,
    dest: Path,
    regions: Sequence[Region],
    mode: Literal["blur", "cover"],
    *,
    thumb_dest: Path | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> ImageResult:
    """Blur or cover each region of a cleaned photo, replacing `dest` atomically.

    `src` is the stored, already-cleaned JPEG; `dest` may be the same path (the usual case:
    the hidden version replaces the original and the unhidden pixels are kept nowhere).
    Pass `thumb_dest` to rebuild the thumbnail too - otherwise the old thumbnail still shows
    what was hidden. Regions are clamped to the image; ValueError for an empty list, a
    non-positive size, a non-finite value or a region wholly outside the image.
    """
    if not regions:
        raise ValueError("no regions to hide")
    if mode not in ("blur", "cover"):
        raise ValueError(f"unknown mode {mode!r}")
    with _open_image(src, "JPEG", limits) as im:
        boxes = [region.to_box(im.width, im.height) for region in regions]
        try:
            im.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise MediaRejected("damaged", str(exc)) from exc
        out = _to_plain_rgb(im)
    with out:
        for box in boxes:
            if mode == "cover":
                out.paste(_COVER_COLOUR, box)
            else:
                with out.crop(box) as patch:
                    out.paste(_blur_patch(patch), box[:2])
        return _write_photo_pair(out, dest, thumb_dest, limits)


# --------------------------------------------------------------------------------------
# Video
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoInfo:
    """What a probe found. Width and height are as displayed (rotation applied)."""

    width: int
    height: int
    duration_seconds: float
    has_audio: bool
    container: str


@dataclass(frozen=True)
class VideoResult:
    """The transcoded MP4: its size in pixels, duration and whether it has sound."""

    width: int
    height: int
    duration_seconds: float
    has_audio: bool


@dataclass(frozen=True)
class _Probe:
    """Everything needed to reopen a checked video the same way for transcoding."""

    demuxer: str
    options: dict[str, str]
    video_index: int
    audio_index: int | None
    rotation: int  # counter-clockwise quarter turns in degrees: 0, 90, 180 or 270
    info: VideoInfo


def _fits(width: int, height: int, limits: MediaLimits) -> bool:
    box_w, box_h = limits.max_video_width, limits.max_video_height
    either_way = (width <= box_w and height <= box_h) or (width <= box_h and height <= box_w)
    return either_way and min(width, height) <= limits.max_video_short_side


def _normalise_rotation(degrees: float) -> int:
    # Phones only ever write quarter turns; anything else is rounded to the nearest one.
    return round(degrees / 90.0) % 4 * 90


def _duration_seconds(container: Any, stream: Any) -> float | None:
    """The longest duration the file admits to, in seconds; None if it states none."""
    found: list[float] = []
    if container.duration is not None and container.duration > 0:
        found.append(container.duration / av.time_base)
    if stream.duration is not None and stream.duration > 0 and stream.time_base:
        found.append(float(stream.duration * stream.time_base))
    return max(found) if found else None


def _display_size(width: int, height: int, stream: Any) -> tuple[int, int]:
    """Apply the sample aspect ratio (anamorphic video) to get a square-pixel width."""
    sar = stream.codec_context.sample_aspect_ratio or stream.sample_aspect_ratio
    if sar and sar > 0 and sar != 1:
        return max(1, round(width * sar)), height
    return width, height


def _open_input(path: Path, demuxer: str, options: dict[str, str]) -> Any:
    try:
        return av.open(str(path), format=demuxer, options=options)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaRejected("damaged", str(exc)) from exc


def _probe(path: Path, limits: MediaLimits) -> _Probe:
    """Check a video fully (type, caps, first frame) and close it again."""
    _check_size(path, limits.max_video_bytes)
    sniffed = sniff(path)
    if sniffed.kind != "video":
        raise MediaRejected("not-allowed", sniffed.mime)
    demuxer = _VIDEO_DEMUXERS[sniffed.mime]
    # Only the local file protocol: a crafted file must not make FFmpeg open URLs or other
    # files (external data references in MOV are off by default; we say so explicitly).
    options = {"protocol_whitelist": "file"}
    if demuxer.startswith("mov"):
        options["enable_drefs"] = "0"
    with _open_input(path, demuxer, options) as container:
        try:
            return _probe_container(container, sniffed, demuxer, options, limits)
        except av.FFmpegError as exc:
            raise MediaRejected("damaged", str(exc)) from exc


def _probe_container(
    container: Any, sniffed: Sniffed, demuxer: str, options: dict[str, str], limits: MediaLimits
) -> _Probe:
    video = next(
        (s for s in container.streams.video if not s.disposition & _ATTACHED_PIC),
        None,
    )
    if video is None:
        # Audio-only files, and audio files whose only "video" is cover art.
        raise MediaRejected("no-video")
    codec_name = video.codec_context.name
    if codec_name not in _VIDEO_CODECS:
        raise MediaRejected("not-allowed", f"video codec {codec_name}")
    width, height = video.codec_context.width, video.codec_context.height
    if width <= 0 or height <= 0:
        raise MediaRejected("damaged", "no frame size")
    # Check the stated size before decoding anything: decoding a giant frame is exactly the
    # allocation we want to avoid.
    if not _fits(width, height, limits):
        raise MediaRejected("too-high-resolution", f"{width}x{height}")
    duration = _duration_seconds(container, video)
    if duration is None:
        # A file that will not say how long it is is not trusted.
        raise MediaRejected("damaged", "no duration")
    if duration > limits.max_video_seconds:
        raise MediaRejected("too-long", f"{duration:.1f} s")
    # Sound in a codec we do not decode is dropped rather than refusing the whole video.
    audio = next(
        (s for s in container.streams.audio if s.codec_context.name in _AUDIO_CODECS), None
    )
    first = _first_frame(container, video)
    if not _fits(first.width, first.height, limits):
        raise MediaRejected("too-high-resolution", f"{first.width}x{first.height}")
    # Phones record portrait video as landscape pixels plus a display matrix; FFmpeg hands
    # that matrix to us as side data on each decoded frame.
    rotation = _normalise_rotation(first.rotation)
    display_w, display_h = _display_size(first.width, first.height, video)
    if rotation in (90, 270):
        display_w, display_h = display_h, display_w
    info = VideoInfo(
        width=display_w,
        height=display_h,
        duration_seconds=duration,
        has_audio=audio is not None,
        container=_CONTAINER_NAMES[sniffed.mime],
    )
    return _Probe(
        demuxer=demuxer,
        options=options,
        video_index=video.index,
        audio_index=None if audio is None else audio.index,
        rotation=rotation,
        info=info,
    )


_ATTACHED_PIC: Final = av.stream.Disposition.attached_pic


def _first_frame(container: Any, stream: Any) -> av.VideoFrame:
    """Decode the first video frame, or refuse the file as damaged."""
    for packet in container.demux(stream):
        for frame in packet.decode():
            if isinstance(frame, av.VideoFrame):
                return frame
    raise MediaRejected("damaged", "no decodable video frame")


def probe_video(path: Path, limits: MediaLimits = DEFAULT_LIMITS) -> VideoInfo:
    """Check a video against the allowlist and caps and report its size and duration.

    The demuxer is forced from the sniffed type (mp4/mov -> FFmpeg's "mov,mp4,..." demuxer,
    webm -> "matroska,webm"), the stated resolution and duration are checked before anything
    is decoded, then the first frame is decoded to prove the file is real. Width and height
    are as displayed (a portrait phone clip reports portrait). Raises `MediaRejected` with
    "empty", "not-allowed", "too-large", "no-video", "too-high-resolution", "too-long" or
    "damaged".
    """
    return _probe(path, limits).info


def _even(value: float) -> int:
    # Round down to even (H.264 with 4:2:0 needs even sides) so we never scale up.
    return max(2, int(value + 1e-6) // 2 * 2)


def target_size(width: int, height: int, limits: MediaLimits = DEFAULT_LIMITS) -> tuple[int, int]:
    """The transcoded size for a (displayed) width x height: fits the 720p box, even sides.

    The short side is at most `limits.video_target_height` and the long side at most 16/9 of
    it, whichever way round the video is; small videos are never scaled up.
    """
    short_cap = limits.video_target_height
    long_cap = round(short_cap * 16 / 9)
    scale = min(1.0, short_cap / min(width, height), long_cap / max(width, height))
    return _even(width * scale), _even(height * scale)


def _rotation_graph(width: int, height: int, rotation: int, time_base: Fraction) -> Any:
    """A filter graph that turns (width x height) yuv420p frames upright."""
    graph = av.filter.Graph()
    chain = [
        graph.add_buffer(
            width=width, height=height, format=av.VideoFormat("yuv420p"), time_base=time_base
        )
    ]
    # `rotation` is counter-clockwise (FFmpeg's display-matrix convention, as PyAV reports
    # it in VideoFrame.rotation), so a frame tagged 90 is turned 90 degrees anticlockwise
    # to display it - what the ffmpeg command line's autorotate does too.
    if rotation == 90:
        chain.append(graph.add("transpose", "cclock"))
    elif rotation == 270:
        chain.append(graph.add("transpose", "clock"))
    else:
        chain += [graph.add("hflip"), graph.add("vflip")]
    chain.append(graph.add("buffersink"))
    graph.link_nodes(*chain)
    graph.configure()
    return graph


# libx264 settings. veryfast is the usual speed/quality balance for a background worker.
# rc-lookahead 5 (veryfast uses 10) keeps fewer frames in flight: about 15 MB less at 720p
# for a percent or two of bitrate, part of keeping a transcode under 100 MB of extra memory
# (see benchmarks/media_bench.py). a53cc/udu_sei off: never copy captions or user data
# from the source frames into the output.
X264_OPTIONS: Final[dict[str, str]] = {
    "preset": "veryfast",
    "crf": "23",
    "profile": "high",
    "rc-lookahead": "5",
    "a53cc": "0",
    "udu_sei": "0",
}
# Frame-threaded decoding on two threads: each extra thread holds its own frames (about
# 4-5 MB each at 1080p), and x264 is already using the cores.
DECODER_THREAD_TYPE: Final = "FRAME"
DECODER_THREADS: Final = 2


def _drain(graph: Any) -> Iterator[av.VideoFrame]:
    while True:
        try:
            yield graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return


class _Transcoder:
    """Decode one video (and its sound) and encode it again, frame by frame.

    Holds at most a handful of frames at once (decoder reorder buffer, x264's short
    lookahead, the muxer's interleaving queue), so memory does not grow with the length of
    the file.
    """

    def __init__(self, probe: _Probe, vin: Any, ain: Any, out_path: Path, limits: MediaLimits):
        self.limits = limits
        self.in_tb: Fraction = vin.time_base
        rate = vin.average_rate or vin.guessed_rate or Fraction(30)
        self.fps = min(Fraction(rate), Fraction(limits.max_video_fps))
        # Frames closer together than this are dropped (slow-motion thinning), with slack so
        # ordinary timestamp jitter at the cap does not drop frames.
        self.min_gap = float(1 / self.fps) * 0.9

        self.out_w, self.out_h = target_size(probe.info.width, probe.info.height, limits)
        # Scale first, then turn: for quarter turns the pre-turn size is the output swapped.
        quarter = probe.rotation in (90, 270)
        self.scale_w, self.scale_h = (
            (self.out_h, self.out_w) if quarter else (self.out_w, self.out_h)
        )
        self.graph = (
            _rotation_graph(self.scale_w, self.scale_h, probe.rotation, self.in_tb)
            if probe.rotation
            else None
        )

        # fflags=+bitexact stops the muxer writing its "encoder" tag (the Lavf version) and
        # a creation time; faststart puts the index first so playback starts at once.
        self.out: Any = av.open(
            str(out_path),
            "w",
            format="mp4",
            options={"movflags": "+faststart", "fflags": "+bitexact"},
        )
        self.out.metadata.clear()
        vout: Any = self.out.add_stream(
            "libx264",
            rate=self.fps,
            options=dict(X264_OPTIONS),
        )
        vout.width, vout.height = self.out_w, self.out_h
        vout.pix_fmt = "yuv420p"
        vout.gop_size = max(1, int(self.fps * 2))  # a keyframe every 2 s: quick seeking
        # Keep the source's time base so variable-frame-rate phone video keeps its timing.
        vout.codec_context.time_base = self.in_tb
        vout.time_base = self.in_tb
        vout.metadata.clear()
        self.vout = vout
        # x264 writes its version and settings into the bitstream as an SEI message (NAL
        # type 6); this filter drops SEI units so no encoder string is stored.
        self.sei_filter = av.bitstream.BitStreamFilterContext("filter_units=remove_types=6", "h264")

        self.aout: Any = None
        self.resampler: av.AudioResampler | None = None
        if ain is not None:
            channels = ain.codec_context.channels or 2
            layout = "mono" if channels == 1 else "stereo"
            sample_rate = ain.codec_context.sample_rate
            if sample_rate not in (32000, 44100, 48000):
                sample_rate = 48000
            # flags=+bitexact stops FFmpeg's AAC encoder writing its "Lavc" version string.
            aout: Any = self.out.add_stream(
                "aac", rate=sample_rate, layout=layout, options={"flags": "+bitexact"}
            )
            aout.bit_rate = 96_000 if layout == "mono" else 128_000
            aout.metadata.clear()
            self.aout = aout
            self.resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)

        self.last_pts: int | None = None
        self.last_time: float | None = None
        self.first_time: float | None = None
        self.poster: Image.Image | None = None

    def video_frame(self, frame: av.VideoFrame) -> None:
        """Scale, turn upright and encode one decoded frame."""
        if not _fits(frame.width, frame.height, self.limits):
            # The size may change mid-stream; the cap applies to every frame, or a small
            # first frame could smuggle in giant ones.
            raise MediaRejected("too-high-resolution", f"{frame.width}x{frame.height}")
        pts = frame.pts
        if pts is None:
            step = max(1, round(1 / (self.fps * self.in_tb)))
            pts = 0 if self.last_pts is None else self.last_pts + step
        if self.last_pts is not None and pts <= self.last_pts:
            return  # duplicate or backwards timestamp: x264 would refuse it
        time = float(pts * self.in_tb)
        if self.first_time is None:
            self.first_time = time
        if time - self.first_time > self.limits.max_video_seconds + 1:
            # The header said it was short enough; the frames say otherwise.
            raise MediaRejected("too-long", "frames run past the stated duration")
        if self.last_time is not None and time - self.last_time < self.min_gap:
            return
        self.last_pts, self.last_time = pts, time

        scaled = frame.reformat(
            width=self.scale_w, height=self.scale_h, format="yuv420p", interpolation="BICUBIC"
        )
        # reformat() makes a new frame; carry the timing across or durations break.
        scaled.pts = pts
        scaled.time_base = self.in_tb
        if self.graph is None:
            self._encode_video(scaled)
            return
        self.graph.push(scaled)
        for upright in _drain(self.graph):
            upright.pts = pts
            upright.time_base = self.in_tb
            self._encode_video(upright)

    def _encode_video(self, frame: av.VideoFrame) -> None:
        if self.poster is None:
            self.poster = _to_plain_rgb(frame.to_image())
        self._mux_video(self.vout.encode(frame))

    def _mux_video(self, packets: Sequence[av.Packet]) -> None:
        for packet in packets:
            for clean in self.sei_filter.filter(packet):
                clean.stream = self.vout
                self.out.mux(clean)

    def audio_frame(self, frame: av.AudioFrame | None) -> None:
        """Resample and encode one decoded audio frame (None flushes the resampler)."""
        if self.resampler is None:
            return
        for resampled in self.resampler.resample(frame):
            self.out.mux(self.aout.encode(resampled))

    def finish(self) -> None:
        """Flush every stage and write the MP4 trailer (faststart moves the index first)."""
        if self.graph is not None:
            self.graph.push(None)
            for upright in _drain(self.graph):
                self._encode_video(upright)
        self._mux_video(self.vout.encode(None))
        for packet in self.sei_filter.filter(None):
            packet.stream = self.vout
            self.out.mux(packet)
        if self.resampler is not None:
            self.audio_frame(None)
            self.out.mux(self.aout.encode(None))
        self.out.close()

    def abort(self) -> None:
        """Close the output after a failure (the caller deletes the file)."""
        with contextlib.suppress(Exception):
            self.out.close()


def _run_transcode(probe: _Probe, src: Path, out_path: Path, limits: MediaLimits) -> Image.Image:
    """Transcode `src` into `out_path`; return the poster frame (a fresh RGB image)."""
    with _open_input(src, probe.demuxer, probe.options) as container:
        vin = container.streams[probe.video_index]
        vin.thread_type = DECODER_THREAD_TYPE
        vin.thread_count = DECODER_THREADS
        ain = None if probe.audio_index is None else container.streams[probe.audio_index]
        streams = [vin] if ain is None else [vin, ain]
        job = _Transcoder(probe, vin, ain, out_path, limits)
        try:
            for packet in container.demux(*streams):
                is_video = packet.stream.index == probe.video_index
                for frame in packet.decode():
                    if is_video:
                        job.video_frame(frame)
                    else:
                        job.audio_frame(frame)
            job.finish()
        except BaseException:
            job.abort()
            raise
    if job.poster is None:
        raise MediaRejected("damaged", "no decodable video frame")
    return job.poster


def _output_duration(path: Path) -> float:
    with av.open(str(path), format="mp4") as check:
        if check.duration is None:
            return 0.0
        return float(check.duration / av.time_base)


def transcode_video(
    src: Path, dest_mp4: Path, poster_dest: Path, limits: MediaLimits = DEFAULT_LIMITS
) -> VideoResult:
    """Re-encode a video to a clean MP4 (H.264 + AAC, faststart) plus a JPEG poster.

    The output is upright (the display rotation is applied to the pixels), fits the 720p box
    either way round with even sides, keeps each frame's timing, and carries no container
    or stream metadata (no title, location, creation time or encoder strings). The poster is
    the first frame, cleaned like a photo. Both files appear atomically or not at all.

    Raises `MediaRejected` as `probe_video` does, plus "damaged" for a file that stops
    decoding part-way; nothing is written in that case.
    """
    probe = _probe(src, limits)
    with _staged(dest_mp4, poster_dest) as (mp4_temp, poster_temp):
        try:
            poster = _run_transcode(probe, src, mp4_temp, limits)
        except av.FFmpegError as exc:
            raise MediaRejected("damaged", str(exc)) from exc
        with poster:
            poster.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
            _write_with(poster_temp, lambda fh: _save_jpeg(poster, fh, limits.jpeg_quality))
        duration = _output_duration(mp4_temp)
    out_w, out_h = target_size(probe.info.width, probe.info.height, limits)
    return VideoResult(
        width=out_w,
        height=out_h,
        duration_seconds=duration,
        has_audio=probe.audio_index is not None,
    )
