"""Photos: cleaned from their pixels, upright, small enough, and with no metadata left."""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from participation.media.processing import (
    MediaLimits,
    MediaRejected,
    Region,
    clean_image,
    hide_regions,
    sniff,
)

from .conftest import (
    BAD_TEXT_FILES,
    SECRET_COMMENT,
    SECRET_MAKE,
    SECRET_MODEL,
    is_bluish,
    is_reddish,
    leftovers,
    noisy,
    pixel,
    write_heic,
    write_jpeg_with_metadata,
    write_pixel_bomb_png,
    write_png_with_alpha,
    write_webp,
)

# Pillow's JPEG reader reports these about the file's own JFIF header and encoding; nothing
# else may appear in .info of a cleaned photo.
HARMLESS_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"}


def assert_no_metadata(path: Path) -> None:
    """The stored JPEG carries no EXIF, GPS, XMP, ICC profile or comment, by API and bytes."""
    with Image.open(path) as im:
        assert im.format == "JPEG"
        assert set(im.info) <= HARMLESS_INFO, im.info.keys()
        assert len(im.getexif()) == 0
    data = path.read_bytes()
    for needle in (
        b"Exif\x00\x00",
        b"http://ns.adobe.com/xap",
        b"xmpmeta",
        b"ICC_PROFILE",
        SECRET_MAKE.encode(),
        SECRET_MODEL.encode(),
        SECRET_COMMENT.encode(),
        b"\xff\xfe",  # a JPEG COM (comment) marker
    ):
        assert needle not in data, needle


def clean(src: Path, out_dir: Path, limits: MediaLimits | None = None) -> tuple[Path, Path]:
    dest, thumb = out_dir / "photo.jpg", out_dir / "thumb.jpg"
    clean_image(src, dest, thumb, limits or MediaLimits())
    return dest, thumb


def test_jpeg_with_gps_and_rotation_is_cleaned_and_turned_upright(
    big_jpeg: Path, out_dir: Path
) -> None:
    # The source really does carry everything we are about to remove.
    with Image.open(big_jpeg) as original:
        assert original.getexif()[0x0112] == 6
        assert original.getexif().get_ifd(0x8825)
        assert {"icc_profile", "xmp", "comment"} <= set(original.info)

    dest = out_dir / "photo.jpg"
    thumb = out_dir / "thumb.jpg"
    result = clean_image(big_jpeg, dest, thumb, MediaLimits())

    # Stored 3000x2000 with "rotate 90 clockwise to view": upright it is portrait, and the
    # long side is brought down to 2048.
    assert (result.width, result.height) == (1365, 2048)
    with Image.open(dest) as im:
        assert im.size == (1365, 2048)
        # The left (red) half of the sensor image is the top once turned clockwise.
        assert is_reddish(pixel(im, (im.width // 2, 50)))
        assert is_bluish(pixel(im, (im.width // 2, im.height - 50)))
    assert_no_metadata(dest)

    assert thumb.exists()
    with Image.open(thumb) as small:
        assert small.size == (result.thumb_width, result.thumb_height) == (267, 400)
    assert_no_metadata(thumb)
    assert leftovers(out_dir) == [dest, thumb]  # no temp files left behind


def test_small_jpeg_is_not_enlarged(in_dir: Path, out_dir: Path) -> None:
    src = write_jpeg_with_metadata(in_dir / "small.jpg", (640, 480), orientation=1)
    dest, _ = clean(src, out_dir)
    with Image.open(dest) as im:
        assert im.size == (640, 480)
        assert is_reddish(pixel(im, (20, 240)))
    assert_no_metadata(dest)


def test_png_with_alpha_and_text_chunks(in_dir: Path, out_dir: Path) -> None:
    src = write_png_with_alpha(in_dir / "drawing.png")
    with Image.open(src) as original:
        assert "Comment" in original.info and "exif" in original.info
    dest, thumb = clean(src, out_dir)
    with Image.open(dest) as im:
        assert im.mode == "RGB" and im.size == (300, 200)
        # Transparent pixels become white, not black.
        assert min(pixel(im, (40, 100))) > 240
        assert is_bluish(pixel(im, (260, 100)))
    assert_no_metadata(dest)
    assert_no_metadata(thumb)


def test_webp_is_cleaned_to_jpeg(in_dir: Path, out_dir: Path) -> None:
    src = write_webp(in_dir / "photo.webp")
    assert sniff(src).mime == "image/webp"
    dest, thumb = clean(src, out_dir)
    with Image.open(dest) as im:
        assert im.size == (320, 240)
    assert_no_metadata(dest)
    assert_no_metadata(thumb)


def test_heic_from_an_ipad_is_cleaned_to_jpeg_without_exif(in_dir: Path, out_dir: Path) -> None:
    src = write_heic(in_dir / "IMG_0002.HEIC")
    assert sniff(src).mime in ("image/heic", "image/heif")
    with Image.open(src) as original:
        assert original.getexif().get_ifd(0x8825)  # pillow-heif keeps GPS: we must not
    dest, thumb = clean(src, out_dir)
    with Image.open(dest) as im:
        assert im.size == (320, 240)
        assert is_reddish(pixel(im, (40, 120)))
    assert_no_metadata(dest)
    assert_no_metadata(thumb)


def test_html_appended_to_a_real_jpeg_does_not_survive(in_dir: Path, out_dir: Path) -> None:
    src = write_jpeg_with_metadata(in_dir / "polyglot.jpg", (200, 100), orientation=1)
    with src.open("ab") as fh:
        fh.write(BAD_TEXT_FILES["html"])
    dest, _ = clean(src, out_dir)
    assert b"<script" not in dest.read_bytes()


# --- refusals: each bad file made here, each with its reason, nothing left behind ------


@pytest.mark.parametrize("kind", sorted(BAD_TEXT_FILES))
def test_scripts_and_vector_files_renamed_jpg_are_not_allowed(
    kind: str, in_dir: Path, out_dir: Path
) -> None:
    src = in_dir / f"holiday-{kind}.jpg"
    src.write_bytes(BAD_TEXT_FILES[kind])
    with pytest.raises(MediaRejected) as caught:
        clean(src, out_dir)
    assert caught.value.reason == "not-allowed"
    assert leftovers(out_dir) == []


def test_zero_bytes_is_empty(in_dir: Path, out_dir: Path) -> None:
    src = in_dir / "nothing.jpg"
    src.touch()
    with pytest.raises(MediaRejected) as caught:
        clean(src, out_dir)
    assert caught.value.reason == "empty"
    assert leftovers(out_dir) == []


# Loosened: what importing WeasyPrint does to Pillow for the whole process.
@pytest.mark.parametrize("loosened", [False, True], ids=["pillow-as-shipped", "after-weasyprint"])
def test_truncated_jpeg_is_damaged(
    in_dir: Path, out_dir: Path, monkeypatch: pytest.MonkeyPatch, loosened: bool
) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", loosened)
    whole = write_jpeg_with_metadata(in_dir / "whole.jpg", (800, 600), orientation=1)
    src = in_dir / "cut.jpg"
    src.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(MediaRejected) as caught:
        clean(src, out_dir)
    assert caught.value.reason == "damaged"
    assert leftovers(out_dir) == []


def test_png_with_a_bad_crc_is_damaged(in_dir: Path, out_dir: Path) -> None:
    good = in_dir / "good.png"
    noisy((64, 64)).save(good)
    data = bytearray(good.read_bytes())
    idat = data.index(b"IDAT")
    data[idat + 10] ^= 0xFF  # flip bits inside the compressed pixels
    src = in_dir / "bad.png"
    src.write_bytes(bytes(data))
    with pytest.raises(MediaRejected) as caught:
        clean(src, out_dir)
    assert caught.value.reason == "damaged"
    assert leftovers(out_dir) == []


def test_gif_is_not_allowed(in_dir: Path, out_dir: Path) -> None:
    src = in_dir / "funny.jpg"
    Image.new("P", (10, 10)).save(src, "GIF")
    with pytest.raises(MediaRejected) as caught:
        clean(src, out_dir)
    assert caught.value.reason == "gif"
    assert leftovers(out_dir) == []


def test_pixel_bomb_is_refused_before_any_decoding(in_dir: Path, out_dir: Path) -> None:
    src = write_pixel_bomb_png(in_dir / "bomb.png", 50_000, 50_000)
    assert src.stat().st_size < 200  # 2.5 billion pixels claimed by a tiny file

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(MediaRejected) as caught:
            clean(src, out_dir)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    assert caught.value.reason == "too-many-pixels"
    assert elapsed < 0.5
    assert peak < 10 * 1024 * 1024
    # tracemalloc cannot see Pillow's C allocations; peak RSS can (a decode would need
    # 7.5 GB, so any real allocation would show).
    assert rss_after - rss_before < 50 * 1024
    assert leftovers(out_dir) == []


def test_image_just_over_the_pixel_limit_is_refused_too(in_dir: Path, out_dir: Path) -> None:
    # 7000x7000 = 49 MP: over the 40 MP limit but under twice it, where Pillow only warns.
    src = write_pixel_bomb_png(in_dir / "big.png", 7000, 7000)
    with pytest.raises(MediaRejected) as caught:
        clean(src, out_dir)
    assert caught.value.reason == "too-many-pixels"
    assert leftovers(out_dir) == []


def test_file_over_the_byte_limit_is_too_large(big_jpeg: Path, out_dir: Path) -> None:
    with pytest.raises(MediaRejected) as caught:
        clean(big_jpeg, out_dir, MediaLimits(max_image_bytes=10_000))
    assert caught.value.reason == "too-large"
    assert leftovers(out_dir) == []


def test_a_video_is_not_a_photo(out_dir: Path, clip_factory: Callable[..., Path]) -> None:
    src = clip_factory("clip.mp4", acodec=None, seconds=0.2)
    with pytest.raises(MediaRejected) as caught:
        clean(src, out_dir)
    assert caught.value.reason == "not-allowed"


def test_refusal_leaves_an_existing_file_alone(in_dir: Path, out_dir: Path) -> None:
    dest = out_dir / "photo.jpg"
    dest.write_bytes(b"previous")
    src = in_dir / "page.jpg"
    src.write_bytes(BAD_TEXT_FILES["html"])
    with pytest.raises(MediaRejected):
        clean_image(src, dest, out_dir / "thumb.jpg", MediaLimits())
    assert dest.read_bytes() == b"previous"
    assert leftovers(out_dir) == [dest]


# --- hiding faces ------------------------------------------------------------------------


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel value between two same-size images."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def roughness(im: Image.Image) -> float:
    """Mean difference between each pixel and its right-hand neighbour: fine detail."""
    width, height = im.size
    return mean_diff(im.crop((0, 0, width - 1, height)), im.crop((1, 0, width, height)))


@pytest.fixture
def cleaned_noisy_photo(in_dir: Path, out_dir: Path) -> tuple[Path, Path]:
    src = in_dir / "busy.jpg"
    noisy((800, 600)).save(src, quality=95)
    return clean(src, out_dir)


REGION = Region(0.25, 0.25, 0.25, 0.25)
BOX = (200, 150, 400, 300)  # REGION on an 800x600 photo
MARGIN = 16  # JPEG works in 8-16 px blocks: judge "outside" a little away from the edge


def outside_strips(im: Image.Image) -> list[Image.Image]:
    left, top, right, bottom = BOX
    return [
        im.crop((0, 0, im.width, top - MARGIN)),
        im.crop((0, bottom + MARGIN, im.width, im.height)),
        im.crop((0, 0, left - MARGIN, im.height)),
        im.crop((right + MARGIN, 0, im.width, im.height)),
    ]


@pytest.mark.parametrize("mode", ["blur", "cover"])
def test_hide_regions_changes_only_the_region(
    mode: str, cleaned_noisy_photo: tuple[Path, Path]
) -> None:
    dest, thumb = cleaned_noisy_photo
    with Image.open(dest) as before_file:
        before = before_file.convert("RGB")
    old_thumb = thumb.read_bytes()

    hide_regions(dest, dest, [REGION], mode, thumb_dest=thumb)  # type: ignore[arg-type]

    with Image.open(dest) as after_file:
        after = after_file.convert("RGB")
    assert after.size == before.size
    inside_before, inside_after = before.crop(BOX), after.crop(BOX)
    assert mean_diff(inside_before, inside_after) > 10
    # Detail is gone: neighbouring pixels inside the region become (nearly) alike.
    assert roughness(inside_before) > 20
    assert roughness(inside_after) < 2
    if mode == "cover":
        assert max(ImageStat.Stat(inside_after).stddev) < 3
    for strip_before, strip_after in zip(
        outside_strips(before), outside_strips(after), strict=True
    ):
        # Only JPEG re-encoding noise outside the region.
        assert mean_diff(strip_before, strip_after) < 3
    assert_no_metadata(dest)
    # The thumbnail was rebuilt from the hidden version.
    assert thumb.read_bytes() != old_thumb
    assert [p.name for p in leftovers(dest.parent)] == ["photo.jpg", "thumb.jpg"]


def test_hide_regions_clamps_a_region_hanging_off_the_edge(
    cleaned_noisy_photo: tuple[Path, Path],
) -> None:
    dest, _ = cleaned_noisy_photo
    with Image.open(dest) as before_file:
        before = before_file.convert("RGB")
    out = dest.with_name("hidden.jpg")
    hide_regions(dest, out, [Region(0.9, -0.2, 0.5, 0.5)], "cover")
    with Image.open(out) as after_file:
        after = after_file.convert("RGB")
    # Covered: the top-right corner (x >= 720, y < 180).
    assert max(ImageStat.Stat(after.crop((724, 0, 800, 176))).stddev) < 3
    assert mean_diff(before.crop((0, 200, 700, 600)), after.crop((0, 200, 700, 600))) < 3


@pytest.mark.parametrize(
    "region",
    [
        Region(0.1, 0.1, 0.0, 0.2),
        Region(0.1, 0.1, 0.2, -0.1),
        Region(float("nan"), 0.1, 0.2, 0.2),
        Region(1.5, 1.5, 0.2, 0.2),
    ],
)
def test_hide_regions_rejects_nonsense(
    region: Region, cleaned_noisy_photo: tuple[Path, Path]
) -> None:
    dest, _ = cleaned_noisy_photo
    before = dest.read_bytes()
    with pytest.raises(ValueError, match="region"):
        hide_regions(dest, dest, [region], "blur")
    assert dest.read_bytes() == before


def test_hide_regions_needs_at_least_one_region(cleaned_noisy_photo: tuple[Path, Path]) -> None:
    dest, _ = cleaned_noisy_photo
    with pytest.raises(ValueError):
        hide_regions(dest, dest, [], "cover")
