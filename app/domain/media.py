"""Video facts and the web-safe rendition's geometry. Pure: ffprobe output in, numbers out.

The rendition keeps the aspect ratio and the displayed orientation, scales the short side to
at most 1080 px (never up), and uses even dimensions (H.264 with yuv420p needs them).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

MAX_SHORT_SIDE = 1080
MAX_FPS = 60


class NotAVideo(ValueError):
    """The file has no video stream ffprobe can read; the message is for the uploader."""


@dataclass(frozen=True)
class VideoInfo:
    """Displayed geometry (rotation applied), duration in seconds, frame rate, audio or not."""

    width: int
    height: int
    duration: float
    fps: float
    has_audio: bool
    codec: str


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list") or ():
        if "rotation" in side:
            return int(float(side["rotation"])) % 360
    tag = (stream.get("tags") or {}).get("rotate")
    return int(tag) % 360 if tag else 0


def _rate(text: str | None) -> float:
    try:
        value = Fraction(text or "0")
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(value)


def video_info(probe: dict) -> VideoInfo:
    """VideoInfo from ffprobe's JSON (``-show_streams -show_format``).

    Raises NotAVideo when there is no video stream or no usable size or duration.
    """
    streams = probe.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    if video is None:
        raise NotAVideo("This file has no video in it.")
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise NotAVideo("The video's frame size can't be read.")
    if _rotation(video) in (90, 270):
        width, height = height, width
    duration = float((probe.get("format") or {}).get("duration") or video.get("duration") or 0)
    if duration <= 0:
        raise NotAVideo("The video's length can't be read; the file may be cut short.")
    fps = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate"))
    has_audio = any(s.get("codec_type") == "audio" for s in streams)
    return VideoInfo(width, height, duration, fps, has_audio, video.get("codec_name", "?"))


def rendition_size(width: int, height: int, max_short: int = MAX_SHORT_SIDE) -> tuple[int, int]:
    """Output (width, height): short side at most ``max_short``, aspect kept, never upscaled,
    both even. 1920x1080 -> 1920x1080; 2160x3840 -> 1080x1920; 607x1080 -> 606x1080."""
    scale = min(1.0, max_short / min(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def output_fps(fps: float) -> int:
    """A constant output frame rate for a (possibly variable) input: rounded, 1..60."""
    return max(1, min(MAX_FPS, round(fps) if fps else 30))


def sniff(head: bytes) -> str | None:
    """'image' or 'video' from a file's first bytes (its signature, not its name), else None.
    Signatures: JPEG FF D8 FF; PNG 89 'PNG'; GIF 'GIF8'; WebP 'RIFF'....'WEBP'; ISO media
    (MP4, MOV, HEIC/HEIF/AVIF) '....ftyp' + brand; Matroska/WebM 1A 45 DF A3; AVI
    'RIFF'....'AVI '. Sources: the formats' specifications (ISO/IEC 14496-12 for ftyp)."""
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG") or head.startswith(b"GIF8"):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "image" if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif") else "video"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"
    return None
