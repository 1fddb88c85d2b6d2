"""Draw the app icons (PNG) from the favicon's geometry: run after changing the logo.

    .venv/bin/python scripts/make_icons.py

Writes app/static/icons/icon-192.png, icon-512.png, maskable-512.png (content inside the
80 % safe zone on a full-bleed background, as maskable icons need) and apple-touch-icon.png.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "app" / "static" / "icons"
BACKGROUND = "#17181c"
# (x, y, width, height, radius, colour) on the favicon's 32 x 32 grid
SHAPES = (
    (3, 11, 4, 10, 1.2, "#9aa0aa"),
    (7.5, 8, 4.5, 16, 1.2, "#e0452b"),
    (12, 14.8, 8, 2.4, 1, "#f2f2f2"),
    (20, 8, 4.5, 16, 1.2, "#e0452b"),
    (25, 11, 4, 10, 1.2, "#9aa0aa"),
)


def draw(size: int, inset: float = 0.0, corner: float = 7 / 32) -> Image.Image:
    """The logo at ``size`` px; ``inset``: fraction of the size left empty on each side."""
    scale = 4  # draw large, then downsample: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * corner), fill=BACKGROUND)
    unit = big * (1 - 2 * inset) / 32
    offset = big * inset
    for x, y, w, h, r, colour in SHAPES:
        box = (
            offset + x * unit,
            offset + y * unit,
            offset + (x + w) * unit,
            offset + (y + h) * unit,
        )
        pen.rounded_rectangle(box, radius=r * unit, fill=colour)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    draw(192).save(OUT / "icon-192.png", optimize=True)
    draw(512).save(OUT / "icon-512.png", optimize=True)
    draw(512, inset=0.1, corner=0).save(OUT / "maskable-512.png", optimize=True)
    draw(180, corner=0).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
