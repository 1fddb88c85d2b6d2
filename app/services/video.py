"""Running ffmpeg: probe a phone clip, transcode it to web-safe MP4, pick a poster frame.

ffmpeg comes from the system when installed (Debian's ffmpeg brings ffprobe too), else from
the imageio-ffmpeg wheel (a static ffmpeg without ffprobe: then the probe reads ffmpeg's own
stream report). Settings: H.264 (libx264, CRF 23, veryfast, capped at 6 Mb/s), AAC 128 kb/s,
+faststart (moov before mdat, so playback and seeking start before the download ends),
metadata stripped (-map_metadata -1 drops location and device tags).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import ffmpeg
from PIL import Image, ImageStat

from app.domain.media import NotAVideo, VideoInfo, output_fps, rendition_size, video_info

POSTER_WIDTH = 720
TIMEOUT_SECONDS = 600


class TranscodeError(RuntimeError):
    """ffmpeg failed on a file that looked like a video; ``transient`` says if a retry may help."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


@cache
def ffmpeg_binary() -> str:
    """Path of ffmpeg: the system's if present, else the one shipped in imageio-ffmpeg."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@cache
def ffprobe_binary() -> str | None:
    return shutil.which("ffprobe")


def probe(path: Path) -> VideoInfo:
    """Facts about the clip at ``path``. Raises NotAVideo for anything that isn't one."""
    if not path.exists() or path.stat().st_size == 0:
        raise NotAVideo("The file is empty.")
    if ffprobe_binary():
        try:
            data = ffmpeg.probe(str(path), cmd=ffprobe_binary())
        except ffmpeg.Error:
            raise NotAVideo("This isn't a video we can read (or the file is damaged).") from None
        return video_info(data)
    return video_info(_probe_with_ffmpeg(path))


def _probe_with_ffmpeg(path: Path) -> dict:
    """ffprobe-shaped facts from `ffmpeg -i` (no ffprobe in the imageio-ffmpeg wheel)."""
    result = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = result.stderr
    streams = []
    for line in report.splitlines():
        match = re.search(r"Stream #\S+: (Video|Audio): (\w+)", line)
        if not match:
            continue
        stream = {"codec_type": match.group(1).lower(), "codec_name": match.group(2)}
        size = re.search(r", (\d{2,5})x(\d{2,5})", line)
        fps = re.search(r"([\d.]+) fps", line)
        if size:
            stream.update(width=int(size.group(1)), height=int(size.group(2)))
        if fps:
            stream["avg_frame_rate"] = fps.group(1)
        streams.append(stream)
    rotation = re.search(r"rotation of (-?[\d.]+) degrees", report)
    if rotation and streams:
        video = next((s for s in streams if s["codec_type"] == "video"), None)
        if video:
            video["side_data_list"] = [{"rotation": rotation.group(1)}]
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report)
    seconds = (
        (int(duration.group(1)) * 3600 + int(duration.group(2)) * 60 + float(duration.group(3)))
        if duration
        else 0
    )
    return {"streams": streams, "format": {"duration": str(seconds)}}


def transcode(source: Path, target: Path, info: VideoInfo) -> None:
    """Write the web rendition of ``source`` to ``target`` (MP4). Raises TranscodeError."""
    width, height = rendition_size(info.width, info.height)
    stream = ffmpeg.input(str(source))
    # ffmpeg auto-rotates on decode: scale the upright picture, and tag nothing.
    video = stream.video.filter("scale", width, height).filter("setsar", 1)
    outputs = [video]
    options = {
        "vcodec": "libx264",
        "preset": "veryfast",
        "crf": 23,
        "maxrate": "6M",
        "bufsize": "12M",
        "pix_fmt": "yuv420p",
        "profile:v": "high",
        "r": output_fps(info.fps),
        "fps_mode": "cfr",
        "movflags": "+faststart",
        "map_metadata": -1,
        "map_chapters": -1,
    }
    if info.has_audio:
        outputs.append(stream.audio)
        options.update(acodec="aac", **{"b:a": "128k", "ac": 2})
    command = ffmpeg.output(*outputs, str(target), **options).overwrite_output()
    try:
        command.run(cmd=ffmpeg_binary(), capture_stdout=True, capture_stderr=True, quiet=True)
    except ffmpeg.Error as error:
        tail = (error.stderr or b"").decode(errors="replace")[-400:]
        raise TranscodeError(f"ffmpeg could not convert this clip: {tail.strip()}") from None
    except OSError as error:  # ffmpeg missing or killed: worth another try
        raise TranscodeError(f"ffmpeg did not run: {error}", transient=True) from None


def poster(source: Path, info: VideoInfo, webp: Path, jpeg: Path) -> None:
    """The poster: of frames at 15/35/55/75% of the clip, the brightest with the most detail
    (mean luma x its spread), so a black fade-in never becomes the thumbnail."""
    best, best_score = None, -1.0
    for fraction in (0.15, 0.35, 0.55, 0.75):
        frame = _frame_at(source, info.duration * fraction)
        if frame is None:
            continue
        stats = ImageStat.Stat(frame.convert("L"))
        score = stats.mean[0] * (1 + stats.stddev[0])
        if score > best_score:
            best, best_score = frame, score
    if best is None:
        raise TranscodeError("No frame of this clip could be read for its thumbnail.")
    best.thumbnail((POSTER_WIDTH, POSTER_WIDTH * 4))
    best.save(webp, "WEBP", quality=80, method=4)
    best.convert("RGB").save(jpeg, "JPEG", quality=82, optimize=True, progressive=True)


def _frame_at(source: Path, seconds: float) -> Image.Image | None:
    try:
        out, _ = (
            ffmpeg.input(str(source), ss=f"{seconds:.3f}")
            .output("pipe:", vframes=1, format="image2", vcodec="png")
            .run(cmd=ffmpeg_binary(), capture_stdout=True, capture_stderr=True, quiet=True)
        )
    except ffmpeg.Error:
        return None
    if not out:
        return None
    from io import BytesIO

    return Image.open(BytesIO(out)).convert("RGB")


def ffprobe_json(path: Path) -> dict:
    """Raw ffprobe facts (tests and `flask doctor` use them)."""
    return json.loads(
        subprocess.run(
            [
                ffprobe_binary(),
                "-v",
                "error",
                "-show_streams",
                "-show_format",
                "-of",
                "json",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
