"""Videos: probed against the caps, re-encoded to clean H.264/AAC MP4, with a poster."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from participation.media.processing import (
    MediaLimits,
    MediaRejected,
    VideoResult,
    probe_video,
    sniff,
    target_size,
    transcode_video,
)

from .conftest import (
    SECRET_LOCATION,
    SECRET_TITLE,
    is_bluish,
    is_reddish,
    leftovers,
    mp4_top_level_atoms,
    pixel,
)

ClipFactory = Callable[..., Path]

# Tags that would say where or when a clip was made, or what made it.
TELLING_KEYS = ("location", "title", "creation_time", "encoder", "make", "model", "comment")


def transcode(src: Path, out_dir: Path, limits: MediaLimits | None = None) -> VideoResult:
    return transcode_video(
        src, out_dir / "video.mp4", out_dir / "poster.jpg", limits or MediaLimits()
    )


def assert_clean_mp4(path: Path, *, expect_audio: bool) -> None:
    """H.264 (+AAC) in MP4, faststart, <= 720p box, and no telling metadata anywhere."""
    data = path.read_bytes()
    atoms = mp4_top_level_atoms(data)
    assert atoms[0] == "ftyp"
    assert atoms.index("moov") < atoms.index("mdat"), atoms  # faststart
    for needle in (b"x264", b"Lavf", b"Lavc", SECRET_TITLE.encode(), SECRET_LOCATION.encode()):
        assert needle not in data, needle
    with av.open(str(path)) as container:
        assert container.format.name.startswith("mov,mp4")
        for key in container.metadata:
            assert not any(word in key.lower() for word in TELLING_KEYS), container.metadata
        kinds: dict[str, Any] = {stream.type: stream for stream in container.streams}
        assert set(kinds) == ({"video", "audio"} if expect_audio else {"video"})
        video = kinds["video"]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert min(video.width, video.height) <= 720
        assert max(video.width, video.height) <= 1280
        assert video.width % 2 == 0 and video.height % 2 == 0
        if expect_audio:
            assert kinds["audio"].codec_context.name == "aac"
        for stream in container.streams:
            for key in stream.metadata:
                assert not any(word in key.lower() for word in TELLING_KEYS), stream.metadata
        first = next(container.decode(video=0))
        assert first.rotation == 0  # pixels are upright; no display matrix to honour


def assert_clean_poster(path: Path, size: tuple[int, int]) -> None:
    with Image.open(path) as im:
        assert im.format == "JPEG"
        assert im.size == size
        assert len(im.getexif()) == 0
        assert "exif" not in im.info and "icc_profile" not in im.info


def test_mp4_h264_aac_is_transcoded(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory("clip.mp4", seconds=2.0)
    info = probe_video(src)
    assert (info.width, info.height, info.has_audio, info.container) == (320, 240, True, "mp4")
    assert info.duration_seconds == pytest.approx(2.0, abs=0.1)

    result = transcode(src, out_dir)

    assert (result.width, result.height, result.has_audio) == (320, 240, True)
    assert result.duration_seconds == pytest.approx(2.0, abs=0.15)
    assert_clean_mp4(out_dir / "video.mp4", expect_audio=True)
    assert_clean_poster(out_dir / "poster.jpg", (320, 240))
    with av.open(str(out_dir / "video.mp4")) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 50  # every frame kept: 2 s at 25 fps
    assert sorted(p.name for p in leftovers(out_dir)) == ["poster.jpg", "video.mp4"]


def test_mov_location_title_and_dates_are_gone(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory(
        "IMG_0003.MOV",
        fmt="mov",
        options={"movflags": "use_metadata_tags"},
        metadata={
            "title": SECRET_TITLE,
            "location": SECRET_LOCATION,
            "com.apple.quicktime.location.ISO6709": SECRET_LOCATION,
            "com.apple.quicktime.make": "Apple",
            "com.apple.quicktime.model": "iPad Pro",
            "creation_time": "2024-05-01T10:00:00Z",
        },
        stream_metadata={"title": SECRET_TITLE, "creation_time": "2024-05-01T10:00:00Z"},
    )
    # The source really does carry them.
    assert sniff(src).mime == "video/quicktime"
    with av.open(str(src)) as original:
        assert original.metadata["com.apple.quicktime.location.ISO6709"] == SECRET_LOCATION
        assert original.metadata["title"] == SECRET_TITLE
        assert "creation_time" in original.streams.video[0].metadata
    assert SECRET_LOCATION.encode() in src.read_bytes()

    transcode(src, out_dir)

    assert_clean_mp4(out_dir / "video.mp4", expect_audio=True)
    with av.open(str(out_dir / "video.mp4")) as container:
        everything = dict(container.metadata)
        for stream in container.streams:
            everything.update(stream.metadata)
    assert not {k for k in everything if "location" in k or "ISO6709" in k}
    assert "title" not in everything and "creation_time" not in everything
    assert SECRET_TITLE not in everything.values()


def test_webm_vp9_opus_becomes_mp4(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory(
        "clip.webm",
        fmt="webm",
        vcodec="libvpx-vp9",
        acodec="libopus",
        video_options={"deadline": "realtime", "cpu-used": "8"},
    )
    assert sniff(src).mime == "video/webm"
    assert probe_video(src).container == "webm"
    result = transcode(src, out_dir)
    assert (result.width, result.height, result.has_audio) == (320, 240, True)
    assert_clean_mp4(out_dir / "video.mp4", expect_audio=True)
    assert_clean_poster(out_dir / "poster.jpg", (320, 240))


def test_portrait_phone_clip_is_turned_upright(clip_factory: ClipFactory, out_dir: Path) -> None:
    # Phones store portrait video as landscape pixels plus "rotate 90 degrees" in a display
    # matrix. The red marker is top-left in the stored pixels; turned 90 degrees
    # anticlockwise for display it sits bottom-left.
    src = clip_factory("portrait.mp4", source="marker", rotation=90)
    info = probe_video(src)
    assert (info.width, info.height) == (240, 320)

    result = transcode(src, out_dir)

    assert (result.width, result.height) == (240, 320)
    with av.open(str(out_dir / "video.mp4")) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (240, 320)
        assert frame.rotation == 0
        upright = frame.to_image()
    with Image.open(out_dir / "poster.jpg") as poster:
        for im in (upright, poster):
            assert is_reddish(pixel(im, (20, 300)))  # bottom-left
            assert is_bluish(pixel(im, (20, 20)))  # top-left
            assert is_bluish(pixel(im, (220, 300)))  # bottom-right
    assert_clean_mp4(out_dir / "video.mp4", expect_audio=True)


def test_natively_portrait_clip_stays_portrait(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory("tall.mp4", source="marker", size=(240, 320), acodec=None)
    result = transcode(src, out_dir)
    assert (result.width, result.height, result.has_audio) == (240, 320, False)
    with Image.open(out_dir / "poster.jpg") as poster:
        assert is_reddish(pixel(poster, (20, 20)))  # unchanged: top-left
    assert_clean_mp4(out_dir / "video.mp4", expect_audio=False)


def test_large_clip_is_brought_down_to_720p(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory("hd.mp4", size=(1920, 1080), rate=10, seconds=0.5, acodec=None)
    result = transcode(src, out_dir)
    assert (result.width, result.height) == (1280, 720)
    assert_clean_mp4(out_dir / "video.mp4", expect_audio=False)
    assert_clean_poster(out_dir / "poster.jpg", (1280, 720))


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1920, 1080), (1280, 720)),
        ((1080, 1920), (720, 1280)),
        ((3840, 2160), (1280, 720)),
        ((640, 480), (640, 480)),
        ((4096, 300), (1280, 92)),
        ((321, 241), (320, 240)),  # even sides, never larger
    ],
)
def test_target_size_fits_the_720p_box_either_way_round(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert target_size(*size) == expected


# --- refusals ----------------------------------------------------------------------------


def rejected(src: Path, out_dir: Path, limits: MediaLimits | None = None) -> str:
    """Transcode must refuse; return the reason, checking nothing was written."""
    with pytest.raises(MediaRejected) as caught:
        transcode(src, out_dir, limits)
    assert leftovers(out_dir) == []
    return caught.value.reason


def test_audio_only_mp4_has_no_video(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory("voice.mp4", vcodec=None)
    assert sniff(src).mime == "video/mp4"  # the brand says video; the content does not
    assert rejected(src, out_dir) == "no-video"


def test_audio_only_m4a_is_not_allowed(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory("voice.m4a", fmt="ipod", vcodec=None)
    assert rejected(src, out_dir) == "not-allowed"


def test_clip_over_the_duration_cap_is_too_long(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory("long.mp4", seconds=2.0, acodec=None)
    assert rejected(src, out_dir, MediaLimits(max_video_seconds=1)) == "too-long"


def test_ten_minute_clip_is_too_long_with_the_default_cap(
    clip_factory: ClipFactory, out_dir: Path
) -> None:
    # 600 frames of 64x64 at 1 fps: ten minutes that take a fraction of a second to make.
    src = clip_factory("ten-minutes.mp4", size=(64, 64), rate=1, seconds=600, acodec=None)
    started = time.perf_counter()
    assert rejected(src, out_dir) == "too-long"
    assert time.perf_counter() - started < 1  # refused from the header, not by decoding


def test_huge_resolution_is_refused_before_decoding(
    clip_factory: ClipFactory, out_dir: Path
) -> None:
    src = clip_factory("strip.mp4", size=(5000, 300), rate=1, seconds=1, acodec=None)
    assert rejected(src, out_dir) == "too-high-resolution"


def test_square_4k_frame_is_refused(clip_factory: ClipFactory, out_dir: Path) -> None:
    # Fits 4096x4096, but the short side is over 2304: not a real camera format.
    src = clip_factory("square.mp4", size=(2400, 2400), rate=1, seconds=1, acodec=None)
    assert rejected(src, out_dir) == "too-high-resolution"


def test_file_over_the_byte_cap_is_too_large(clip_factory: ClipFactory, out_dir: Path) -> None:
    src = clip_factory("clip.mp4")
    assert rejected(src, out_dir, MediaLimits(max_video_bytes=1000)) == "too-large"


def test_truncated_mp4_is_damaged(clip_factory: ClipFactory, in_dir: Path, out_dir: Path) -> None:
    whole = clip_factory("whole.mp4", seconds=2.0)
    src = in_dir / "cut.mp4"
    src.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert sniff(src).mime == "video/mp4"
    assert rejected(src, out_dir) == "damaged"


def test_mp4_header_with_garbage_is_damaged(
    clip_factory: ClipFactory, in_dir: Path, out_dir: Path
) -> None:
    whole = clip_factory("whole.mp4")
    src = in_dir / "garbage.mp4"
    src.write_bytes(whole.read_bytes()[:32] + bytes(range(256)) * 40)
    assert rejected(src, out_dir) == "damaged"


def test_gif_renamed_mp4_is_not_allowed(in_dir: Path, out_dir: Path) -> None:
    src = in_dir / "dance.mp4"
    frames = [Image.new("P", (32, 32), colour) for colour in (1, 2, 3)]
    frames[0].save(src, "GIF", save_all=True, append_images=frames[1:])
    assert rejected(src, out_dir) == "gif"


def test_zero_byte_video_is_empty(in_dir: Path, out_dir: Path) -> None:
    src = in_dir / "nothing.mp4"
    src.touch()
    assert rejected(src, out_dir) == "empty"


def test_photo_is_not_a_video(in_dir: Path, out_dir: Path) -> None:
    src = in_dir / "photo.mp4"
    Image.new("RGB", (32, 32)).save(src, "JPEG")
    assert rejected(src, out_dir) == "not-allowed"


def test_refusal_leaves_existing_outputs_alone(clip_factory: ClipFactory, out_dir: Path) -> None:
    (out_dir / "video.mp4").write_bytes(b"previous")
    src = clip_factory("voice.mp4", vcodec=None)
    with pytest.raises(MediaRejected):
        transcode(src, out_dir)
    assert (out_dir / "video.mp4").read_bytes() == b"previous"
    assert not (out_dir / "poster.jpg").exists()
