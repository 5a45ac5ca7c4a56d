"""Server-rendered charts: matplotlib (imported lazily, Agg backend) → an accessible inline SVG.

Every chart is an ``<svg role="img">`` with a ``<title>`` and an ``aria-label`` that says what
it shows, and every template that shows one puts the same numbers in a table beside it (the
chart is a picture of the table, never the only copy). The SVG is made safe for the site's
Content Security Policy (``style-src 'self'``): matplotlib's ``style`` attributes become
presentation attributes and its ``<style>`` element goes, and its ids get a per-chart prefix so
several charts can share a page (and a PDF) without duplicate ids.
"""

import io
import itertools
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

# GOV.UK Frontend palette: strong contrast on white, distinguishable without colour because
# lines also differ in marker and dash.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#505a5f", "#912b88"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "Arial, Helvetica, sans-serif"

_counter = itertools.count(1)
_lock = threading.Lock()


@dataclass
class Series:
    name: str
    values: Sequence[float | None]
    dashed: bool = False


@dataclass
class Line:
    """A horizontal reference line, such as a target or a baseline."""

    name: str
    value: float
    colour: str = "#505a5f"
    dash: tuple = (6, 3)


@dataclass
class Chart:
    title: str
    description: str  # what the chart shows, read out by screen readers
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    y_label: str = ""
    kind: str = "line"  # "line" or "bar"
    width: float = 6.4
    height: float = 3.0


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return matplotlib, Figure


def render(chart: Chart) -> str:
    """The chart as inline SVG markup (a string safe to mark as HTML)."""
    matplotlib, Figure = _matplotlib()
    settings = {
        "svg.fonttype": "none",
        "svg.hashsalt": "coplan",
        "font.size": 10,
        "axes.edgecolor": TEXT,
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with _lock, matplotlib.rc_context(settings):
        figure = Figure(figsize=(chart.width, chart.height), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(chart.labels)))
        if chart.kind == "bar":
            count = max(len(chart.series), 1)
            width = 0.8 / count
            for i, series in enumerate(chart.series):
                offset = (i - (count - 1) / 2) * width
                axes.bar(
                    [p + offset for p in positions],
                    [v if v is not None else 0 for v in series.values],
                    width=width,
                    color=COLOURS[i % len(COLOURS)],
                    label=series.name,
                    edgecolor=TEXT,
                    linewidth=0.5,
                )
        else:
            for i, series in enumerate(chart.series):
                axes.plot(
                    positions,
                    [float(v) if v is not None else float("nan") for v in series.values],
                    color=COLOURS[i % len(COLOURS)],
                    marker=MARKERS[i % len(MARKERS)],
                    linestyle="--" if series.dashed else "-",
                    linewidth=2,
                    label=series.name,
                )
        for line in chart.lines:
            axes.axhline(
                float(line.value),
                color=line.colour,
                linestyle=(0, line.dash),
                linewidth=1.5,
                label=line.name,
            )
        axes.set_xticks(positions, chart.labels, rotation=30 if len(positions) > 8 else 0)
        axes.grid(axis="y", color=GRID, linewidth=0.5)
        axes.set_axisbelow(True)
        if chart.y_label:
            axes.set_ylabel(chart.y_label)
        if len(chart.series) + len(chart.lines) > 1:
            axes.legend(frameon=False, loc="best", fontsize=9)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return accessible_svg(buffer.getvalue(), title=chart.title, description=chart.description)


_STYLE_PROPERTY = re.compile(r"\s*([a-z-]+)\s*:\s*([^;]+)")


def accessible_svg(markup: str, *, title: str, description: str) -> str:
    """Make matplotlib's SVG inline-ready: titled, labelled, CSP-safe, with unique ids."""
    root = ET.fromstring(markup)
    with _lock:
        prefix = f"chart{next(_counter)}-"
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}metadata", f"{{{SVG}}}style"):
                parent.remove(child)
    ids = {}
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _STYLE_PROPERTY.findall(style):
                if name == "font-family":
                    value = FONT
                element.set(name, value.strip())
        if "id" in element.attrib:
            ids[element.attrib["id"]] = prefix + element.attrib["id"]
            element.set("id", ids[element.attrib["id"]])
    href = f"{{{XLINK}}}href"
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            if name == href and value.startswith("#") and value[1:] in ids:
                element.set(name, "#" + ids[value[1:]])
            elif "url(#" in value:
                element.set(
                    name,
                    re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{ids.get(m[1], m[1])})", value),
                )
    # Unreferenced ids only add noise; keep the ones something points at.
    referenced = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == href and value.startswith("#"):
                referenced.add(value[1:])
            referenced.update(re.findall(r"url\(#([^)]+)\)", value))
    for element in root.iter():
        if element.get("id") and element.get("id") not in referenced:
            del element.attrib["id"]
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-label", f"{title}. {description}")
    root.set("focusable", "false")
    root.set("class", "coplan-chart")
    title_element = ET.Element(f"{{{SVG}}}title")
    title_element.text = title
    root.insert(0, title_element)
    with _lock:
        # Another library (WeasyPrint, for one) may have mapped the SVG namespace to a prefix;
        # inline SVG in HTML needs the plain <svg> of the default namespace.
        ET.register_namespace("", SVG)
        ET.register_namespace("xlink", XLINK)
        return ET.tostring(root, encoding="unicode")
