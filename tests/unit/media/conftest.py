"""Fixtures that make every test file at run time (no binary files live in the repo).

Photos are drawn with Pillow (and pillow-heif); clips are generated with FFmpeg's own test
sources through PyAV (`lavfi`), so each is small, fast to make and fully under our control:
the metadata, rotation and damage a test needs are put there on purpose.
"""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import pillow_heif
import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

# Strings planted in the metadata of test files; none may survive cleaning.
SECRET_MAKE = "SecretMake"
SECRET_MODEL = "SecretModel-X1"
SECRET_COMMENT = "secret comment: lives at 12 Acacia Avenue"
SECRET_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="51,30.0N"/></rdf:RDF></x:xmpmeta>'
)
SECRET_TITLE = "Secret title"
SECRET_LOCATION = "+51.5074-000.1278/"

RED = (220, 20, 20)
BLUE = (20, 20, 220)


# --------------------------------------------------------------------------------------
# Photos
# --------------------------------------------------------------------------------------


def secret_exif(orientation: int = 1) -> Image.Exif:
    """EXIF with camera make/model, a date and a GPS position (London)."""
    exif = Image.Exif()
    exif[0x010F] = SECRET_MAKE
    exif[0x0110] = SECRET_MODEL
    exif[0x0132] = "2024:05:01 10:00:00"
    if orientation != 1:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 26.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    return exif


def srgb_icc() -> bytes:
    """An ICC profile to attach (and check it is gone afterwards)."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def two_colour(size: tuple[int, int], noise: bool = True) -> Image.Image:
    """Left half red, right half blue, with noise so it compresses like a photo."""
    width, height = size
    im = Image.new("RGB", size, BLUE)
    im.paste(RED, (0, 0, width // 2, height))
    if noise:
        grain = Image.effect_noise(size, 24).convert("RGB")
        im = Image.blend(im, grain, 0.15)
    return im


def noisy(size: tuple[int, int]) -> Image.Image:
    """A busy photo-like picture: per-channel noise over a gradient."""
    channels = [Image.effect_noise(size, 60) for _ in range(3)]
    im = Image.merge("RGB", channels)
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    return Image.blend(im, gradient, 0.4)


def write_jpeg_with_metadata(path: Path, size: tuple[int, int], orientation: int = 6) -> Path:
    """A JPEG carrying EXIF (GPS, make, model, orientation), XMP, ICC and a comment."""
    two_colour(size).save(
        path,
        "JPEG",
        quality=90,
        exif=secret_exif(orientation),
        xmp=SECRET_XMP,
        icc_profile=srgb_icc(),
        comment=SECRET_COMMENT,
    )
    return path


def write_png_with_alpha(path: Path) -> Path:
    """An RGBA PNG: left half fully transparent, right half opaque blue; text chunks."""
    im = Image.new("RGBA", (300, 200), (*BLUE, 255))
    im.paste((0, 0, 0, 0), (0, 0, 150, 200))
    info = PngInfo()
    info.add_text("Comment", SECRET_COMMENT)
    info.add_text("Author", SECRET_MAKE, zip=True)
    info.add_itxt("XML:com.adobe.xmp", SECRET_XMP.decode())
    im.save(path, "PNG", pnginfo=info, exif=secret_exif(), icc_profile=srgb_icc())
    return path


def write_webp(path: Path) -> Path:
    """A WebP with EXIF and an ICC profile."""
    two_colour((320, 240)).save(
        path, "WEBP", quality=80, exif=secret_exif(), icc_profile=srgb_icc()
    )
    return path


def write_heic(path: Path, size: tuple[int, int] = (320, 240)) -> Path:
    """An iPad-style HEIC with EXIF (GPS, make, model)."""
    pillow_heif.register_heif_opener()
    two_colour(size).save(path, "HEIF", quality=80, exif=secret_exif().tobytes())
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def write_pixel_bomb_png(path: Path, width: int = 50_000, height: int = 50_000) -> Path:
    """A tiny, well-formed PNG whose header claims a huge picture (valid CRCs)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    path.write_bytes(data)
    return path


BAD_TEXT_FILES: dict[str, bytes] = {
    "html": b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
    "svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    ),
    "eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n(%pipe%id) (w) file\nshowpage\n",
    "php": b"<?php system($_GET['c']); ?>\n",
}


@pytest.fixture
def in_dir(tmp_path: Path) -> Path:
    """Where the test's uploads are made."""
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where cleaned files go; tests check that nothing is left here after a refusal."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def big_jpeg(in_dir: Path) -> Path:
    """3000x2000 JPEG, orientation 6 (camera held upright), full of metadata."""
    return write_jpeg_with_metadata(in_dir / "IMG_0001.jpg", (3000, 2000), orientation=6)


# --------------------------------------------------------------------------------------
# Clips
# --------------------------------------------------------------------------------------


def make_clip(
    path: Path,
    *,
    fmt: str = "mp4",
    vcodec: str | None = "libx264",
    acodec: str | None = "aac",
    size: tuple[int, int] = (320, 240),
    rate: int = 25,
    seconds: float = 1.0,
    source: str = "testsrc2",
    rotation: int | None = None,
    metadata: dict[str, str] | None = None,
    stream_metadata: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
    video_options: dict[str, str] | None = None,
) -> Path:
    """Encode a short clip from FFmpeg's test sources.

    `source` is a lavfi video source name, or "marker" for `marker_source` frames.
    `rotation` writes a display matrix (counter-clockwise degrees), as phones do for
    portrait video. `metadata` goes into the container, `stream_metadata` into each stream.
    """
    width, height = size
    out = av.open(str(path), "w", format=fmt, options=options or {})
    if metadata:
        out.metadata.update(metadata)
    graph = (
        marker_source(size, seconds, rate)
        if source == "marker"
        else f"{source}=size={width}x{height}:rate={rate}:duration={seconds}"
    )
    if vcodec is not None:
        vs: Any = out.add_stream(vcodec, rate=rate, options=video_options or {})
        vs.width, vs.height = width, height
        vs.pix_fmt = "yuv420p"
        if rotation is not None:
            vs.set_display_rotation(rotation)
        if stream_metadata:
            vs.metadata.update(stream_metadata)
    if acodec is not None:
        sample_rate = 48000 if acodec == "libopus" else 44100
        as_: Any = out.add_stream(acodec, rate=sample_rate, layout="mono")
        if stream_metadata:
            as_.metadata.update(stream_metadata)
    if vcodec is not None:
        with av.open(graph, format="lavfi") as src:
            for picture in src.decode(video=0):
                out.mux(vs.encode(picture))
        out.mux(vs.encode(None))
    if acodec is not None:
        with av.open(
            f"sine=frequency=440:duration={seconds}:sample_rate={sample_rate}", format="lavfi"
        ) as src:
            for sound in src.decode(audio=0):
                out.mux(as_.encode(sound))
        out.mux(as_.encode(None))
    out.close()
    return path


def marker_source(size: tuple[int, int], seconds: float, rate: int) -> str:
    """Blue frames with a red block in the top-left quarter (to tell which way is up)."""
    width, height = size
    return (
        f"color=c=blue:size={width}x{height}:rate={rate}:duration={seconds},"
        f"drawbox=x=0:y=0:w={width // 4}:h={height // 4}:color=red:t=fill"
    )


FAST_X264 = {"preset": "ultrafast"}


@pytest.fixture
def clip_factory(in_dir: Path) -> Callable[..., Path]:
    """make_clip bound to the test's upload folder: clip_factory("name.mp4", **kw)."""

    def factory(name: str, **kwargs: Any) -> Path:
        if kwargs.get("vcodec", "libx264") == "libx264":
            kwargs.setdefault("video_options", FAST_X264)
        return make_clip(in_dir / name, **kwargs)

    return factory


# --------------------------------------------------------------------------------------
# Helpers for assertions
# --------------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[Path]:
    """Every file under `folder` (after a refusal this must be empty)."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def mp4_top_level_atoms(data: bytes) -> list[str]:
    """The names of the top-level boxes of an MP4, in file order."""
    atoms: list[str] = []
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        elif size == 0:
            size = len(data) - pos
        atoms.append(kind.decode("latin-1"))
        if size < 8:
            break
        pos += size
    return atoms


def pixel(im: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    """An RGB pixel as a tuple."""
    value = im.convert("RGB").getpixel(xy)
    assert isinstance(value, tuple)
    return (int(value[0]), int(value[1]), int(value[2]))


def is_reddish(rgb: tuple[int, int, int]) -> bool:
    """Red dominates (JPEG and chroma subsampling blur colours a little)."""
    r, g, b = rgb
    return r > 150 and g < 100 and b < 100


def is_bluish(rgb: tuple[int, int, int]) -> bool:
    """Blue dominates."""
    r, g, b = rgb
    return b > 150 and r < 100 and g < 100


# --------------------------------------------------------------------------------------
# S3: a real S3-compatible server (moto in server mode) on 127.0.0.1
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """Start moto's standalone S3 server once per session; yield its URL."""
    from moto.server import ThreadedMotoServer

    # The server logs every request through werkzeug; keep test output readable.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
