"""What every report chart shares: its fonts, its style, labels wrapped to a width, and the chart as HTML.

    drawing(lang)                    context: a new Figure in the chart style and the language's font
    figure_html(fig, alt, ...)       <figure> with the chart as a PNG (alt text), a caption and the data table
    wrap, text_width, percent, html_table   from swtrain.reports.page_text (no matplotlib), named here too

Charts are drawn at the size they are shown: `figure_html` sets the image's width
to the figure's width at 96 px an inch (CSS pixels), so a 9-point label reads as
9 points. Chinese text is drawn in "Noto Sans CJK SC" (Debian's fonts-noto-cjk);
the font is set on each figure, never on matplotlib's global settings, unless a
caller asks with use_cjk_font().
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from typing import Any, cast

import matplotlib
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from ..errors import SwtrainError
from .page_text import html_table as html_table
from .page_text import percent as percent
from .page_text import text_width as text_width
from .page_text import wrap as wrap

CJK_FAMILY = "Noto Sans CJK SC"
CJK_LANGUAGES = ("zh",)
BAR = "#4f6fb0"
LIGHT = "#c9d5ee"
MUTED = "#52525b"
#: The smallest type on a chart, in points: still readable where the chart is shown at its own size.
SMALLEST = 9.0
#: The PNG's pixels per inch: one and a half times the 96 CSS pixels an inch it is shown at, sharp on HiDPI screens.
PNG_DPI = 144
SHOWN_DPI = 96


# --- fonts -------------------------------------------------------------------


def cjk_font_path() -> str:
    """The file of the Chinese font; rebuilds matplotlib's font cache once if it predates the font's install."""
    prop = FontProperties(family=CJK_FAMILY)
    try:
        return str(font_manager.findfont(prop, fallback_to_default=False))
    except ValueError:
        pass
    # The cache lists the fonts installed when it was written; backends hold the one FontManager
    # instance, so the rebuilt lists are copied into it rather than replacing it.
    rebuilt = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
    vars(font_manager.fontManager).update(vars(rebuilt))
    font_manager.fontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
    try:
        return str(font_manager.findfont(prop, fallback_to_default=False))
    except ValueError:
        raise SwtrainError(
            f"The font {CJK_FAMILY!r} that Chinese charts need is not installed.",
            "Install it (Debian/Ubuntu: apt-get install fonts-noto-cjk), then restart the kernel.",
        ) from None


def font_settings(language: str) -> dict[str, Any]:
    """matplotlib settings for text in `language` (empty for languages the default font covers)."""
    if language not in CJK_LANGUAGES:
        return {}
    cjk_font_path()
    return {"font.family": [CJK_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False}


def use_cjk_font() -> None:
    """Draw every later matplotlib figure of this process with the Chinese font (for a caller's own charts)."""
    cast(Any, matplotlib.rcParams).update(font_settings("zh"))


@contextmanager
def drawing(language: str) -> Iterator[Figure]:
    """A new figure built in the chart style and the language's font, the font fixed on every text."""
    settings = {**sns.axes_style("whitegrid"), **font_settings(language)}
    with matplotlib.rc_context(settings):
        figure = Figure(layout="constrained")
        yield figure
    family = settings.get("font.family")
    if family:
        # Tick labels are made when the figure is drawn, after this context has closed.
        for ax in figure.axes:
            ax.tick_params(labelfontfamily=family)
        for text in figure.findobj(Text):
            text.set_fontfamily(family)


# --- HTML ----------------------------------------------------------------------


def figure_png(figure: Figure) -> bytes:
    """The figure as a PNG of at most 128 colours: a chart's flat colours and smoothed text need no more, and
    the page (which embeds every chart) gets three times smaller."""
    from PIL import Image  # matplotlib's own image library

    drawn = io.BytesIO()
    figure.savefig(drawn, format="png", dpi=PNG_DPI)
    drawn.seek(0)
    with Image.open(drawn) as image:
        reduced = image.convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE)
    # The octree averages the background to a near white: the palette's lightest colour is made white again.
    palette = reduced.getpalette() or []
    colours = [tuple(palette[i : i + 3]) for i in range(0, len(palette), 3)]
    lightest = max(range(len(colours)), key=lambda i: sum(colours[i]))
    palette[3 * lightest : 3 * lightest + 3] = [255, 255, 255]
    reduced.putpalette(palette)
    buffer = io.BytesIO()
    reduced.save(buffer, format="PNG")
    return buffer.getvalue()


def figure_html(figure: Figure, alt: str, caption: str = "", table: str = "", table_label: str = "") -> str:
    """The chart as an HTML <figure>: the PNG with `alt` text, shown at the size it was drawn (and never wider
    than the page), `caption` under it and, when given, its data `table` in a details element."""
    data = base64.b64encode(figure_png(figure)).decode("ascii")
    width = round(figure.get_figwidth() * SHOWN_DPI)
    parts = [
        '<figure class="swtrain-chart" style="margin:0.5em 0 1.5em 0;max-width:100%">',
        f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" width="{width}" '
        'style="max-width:100%;height:auto;display:block">',
    ]
    if caption:
        parts.append(
            f'<figcaption style="margin-top:0.4em;color:#3f3f46;max-width:{width}px">{escape(caption)}</figcaption>'
        )
    if table:
        parts.append(
            '<details style="margin-top:0.4em"><summary style="cursor:pointer">'
            f"{escape(table_label)}</summary>{table}</details>"
        )
    parts.append("</figure>")
    return "".join(parts)
