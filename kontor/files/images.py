"""Opening uploaded images without decoding a decompression bomb.

A PNG of 20 KB can declare 13,000 x 13,000 pixels; decoding it costs a worker about a gigabyte.
`Image.open` reads only the header, so the size is known before any pixel is decoded: every
place that decodes an upload (previews of files, photos of people and companies) opens it
through `open_image`, which refuses what is larger than the limit it is given. Pillow's own
limit (`limit_pillow`, set when the app starts) stands behind that for any other code path.
"""

from __future__ import annotations

from typing import IO

from PIL import Image

# The largest image whose preview is made (a 48-megapixel JPEG still gets one: it is decoded at
# an eighth of its size, see kontor.files.actions._thumbnail).
PREVIEW_MAX_PIXELS = 40_000_000
# The largest photo of a person or company: more than any camera a team photographs people with.
PHOTO_MAX_PIXELS = 25_000_000


class ImageTooLarge(ValueError):
    """The header declares more pixels than the caller allows; nothing was decoded."""

    def __init__(self, max_pixels: int) -> None:
        super().__init__(f"more than {max_pixels} pixels")
        self.max_pixels = max_pixels

    @property
    def megapixels(self) -> int:
        return self.max_pixels // 1_000_000


def limit_pillow() -> None:
    """Pillow warns above MAX_IMAGE_PIXELS and refuses outright above twice that. Its default
    (about 89 million, refusing at 179 million) lets the 169-million-pixel bomb through; with
    the preview limit here it refuses anything above 80 million pixels at `Image.open`."""
    Image.MAX_IMAGE_PIXELS = PREVIEW_MAX_PIXELS


def check_size(image: Image.Image, max_pixels: int) -> None:
    """Raises ImageTooLarge when the image (as it will be decoded) has more than max_pixels."""
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLarge(max_pixels)


def open_image(stream: IO[bytes], max_pixels: int) -> Image.Image:
    """Opens an image, reading only its header, and refuses it before decoding when it has more
    than max_pixels. Raises ImageTooLarge for that, and Pillow's errors (UnidentifiedImageError,
    OSError, SyntaxError, ValueError) for what is not a readable image."""
    try:
        image = Image.open(stream)
    except Image.DecompressionBombError:  # beyond Pillow's own limit, seen in the header
        raise ImageTooLarge(max_pixels) from None
    try:
        check_size(image, max_pixels)
    except ImageTooLarge:
        image.close()
        raise
    return image
