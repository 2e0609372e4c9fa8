"""Small charts drawn on the server as inline SVG: no chart service, no JavaScript.

    bar_chart([("refunds", 12), ("shipping", 7)], chart_id="viewed", title="Most read",
              desc="…", rtl=True)
    line_chart(["2026-11-01", …], [("Chat", [3, 5, …]), …], chart_id="volume", title=…)

Every text is escaped; each chart is an image with a <title> and a <desc> a screen reader
announces (the table beside it has the numbers). With ``rtl`` the chart is mirrored:
labels on the right, bars growing leftwards, time running from right to left.
"""
from markupsafe import Markup, escape

__all__ = ["bar_chart", "line_chart", "PALETTE"]

# Distinguishable for the common colour-vision deficiencies (Okabe–Ito).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
MAX_LABEL = 30


def _short(text, limit=MAX_LABEL):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(width, height, title, desc, css_class, n, rtl):
    # An explicit direction: text-anchor "start" is then the right edge in RTL, whatever
    # the page around the chart says.
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" '
            f'direction="{"rtl" if rtl else "ltr"}" '
            f'viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-labelledby="chart-{n}-title chart-{n}-desc" preserveAspectRatio="xMinYMin meet">',
            f'<title id="chart-{n}-title">{escape(title)}</title>',
            f'<desc id="chart-{n}-desc">{escape(desc)}</desc>']


def bar_chart(items, *, chart_id, title, desc, rtl=False, width=560, bar_height=22,
              label_width=200, value_text=_number, color=PALETTE[0], css_class="bar-chart"):
    """Return Markup: horizontal bars, one per (label, value) of ``items``. ``chart_id``
    (unique on the page) names its title and description for aria-labelledby."""
    items = [(label, value or 0) for label, value in items]
    gap, height = 6, max(1, len(items)) * (bar_height + 6) + 6
    top = max((value for _, value in items), default=0) or 1
    room = width - label_width - 60  # the bar's longest length, leaving room for its value
    out = _open(width, height, title, desc, css_class, escape(chart_id), rtl)
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        middle = y + bar_height / 2
        length = round(room * value / top, 1)
        # Labels on the start side, bars growing from them, the value after each bar.
        if rtl:
            label_x, bar_x = width - 4, width - label_width - 8 - length
            value_x = bar_x - 4
        else:
            label_x, bar_x = 4, label_width + 8
            value_x = bar_x + length + 4
        out.append(f'<g><title>{escape(label)}: {escape(value_text(value))}</title>'
                   f'<text x="{label_x}" y="{middle}" dominant-baseline="middle" '
                   f'text-anchor="start" font-size="13" fill="currentColor">'
                   f'{escape(_short(label))}</text>'
                   f'<rect x="{bar_x}" y="{y}" width="{length}" height="{bar_height}" rx="3" '
                   f'fill="{color}"/>'
                   f'<text x="{value_x}" y="{middle}" dominant-baseline="middle" '
                   f'text-anchor="start" font-size="12" fill="currentColor">'
                   f'{escape(value_text(value))}</text></g>')
    out.append("</svg>")
    return Markup("".join(out))


def line_chart(labels, series, *, chart_id, title, desc, rtl=False, width=640, height=240,
               css_class="line-chart"):
    """Return Markup: one line per (name, values) of ``series`` over the x ``labels``
    (e.g. days), a legend, the y axis' top value and a few x labels."""
    left, right, top_pad, bottom = 44, 36, 34, 28
    if rtl:
        left, right = right, left
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((max(values, default=0) for _, values in series), default=0) or 1
    count = max(1, len(labels))
    step = plot_w / (count - 1) if count > 1 else 0

    def x(i):
        offset = step * i if count > 1 else plot_w / 2
        return round(left + plot_w - offset if rtl else left + offset, 1)

    def y(value):
        return round(top_pad + plot_h - plot_h * value / top, 1)

    out = _open(width, height, title, desc, css_class, escape(chart_id), rtl)
    axis_x = width - 4 if rtl else 4
    anchor = "start"  # the start side: right in RTL (see _open)
    baseline = top_pad + plot_h
    out.append(f'<g font-size="11" fill="currentColor">'
               f'<text x="{axis_x}" y="{top_pad + 4}" text-anchor="{anchor}">{escape(_number(top))}</text>'
               f'<text x="{axis_x}" y="{baseline}" text-anchor="{anchor}">0</text></g>')
    out.append(f'<line x1="{left}" y1="{baseline}" x2="{width - right}" y2="{baseline}" '
               f'stroke="#999" stroke-width="1"/>')
    shown = sorted({0, count // 2, count - 1}) if labels else []
    for i in shown:
        out.append(f'<text x="{x(i)}" y="{height - 8}" text-anchor="middle" font-size="11" '
                   f'fill="currentColor">{escape(_short(labels[i], 12))}</text>')
    for n, (name, values) in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
        out.append(f'<g><title>{escape(name)}</title><polyline points="{points}" fill="none" '
                   f'stroke="{color}" stroke-width="2.5" stroke-linejoin="round"/>')
        for i, v in enumerate(values):
            out.append(f'<circle cx="{x(i)}" cy="{y(v)}" r="2.5" fill="{color}">'
                       f'<title>{escape(labels[i] if i < len(labels) else "")}: '
                       f'{escape(name)} {escape(_number(v))}</title></circle>')
        out.append("</g>")
        # The legend runs from the start side: one swatch and name per series.
        legend_x = (width - 8 - n * 120) if rtl else (8 + n * 120)
        swatch_x = legend_x - 12 if rtl else legend_x
        text_x = legend_x - 16 if rtl else legend_x + 16
        out.append(f'<rect x="{swatch_x}" y="8" width="12" height="12" fill="{color}"/>'
                   f'<text x="{text_x}" y="18" font-size="12" text-anchor="{anchor}" '
                   f'fill="currentColor">{escape(_short(name, 16))}</text>')
    out.append("</svg>")
    return Markup("".join(out))
