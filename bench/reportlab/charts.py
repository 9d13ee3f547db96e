"""Charts for the ReportLab side (reports.py): the same 20-21 data visuals a report as riskreport
draws, as reportlab.graphics vector drawings, with their data read back from each chart's /Alt
text in our PDF (the numbers the chart module wrote there from the values it drew)."""
import datetime
import re
import textwrap

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.charts.doughnut import Doughnut
from reportlab.graphics.shapes import (STATE_DEFAULTS, Circle, Drawing, Line, Polygon, Rect,
                                       String)
from reportlab.lib import colors

C = {k: colors.HexColor(v) for k, v in dict(
    ink="#1D2433", muted="#5F6779", faint="#E4E7EE", low="#2C7BB6", moderate="#86BEDC",
    high="#F59A48", very_high="#D7191C", automated="#762A83", assisted="#B48CC4",
    human_safe="#1B7837", you="#1F3A68", reference="#A3A9B5", teal="#1B7A80").items()}
BANDS = [C["low"], C["moderate"], C["high"], C["very_high"]]
FONT = "NotoSans"
STATE_DEFAULTS["fontName"] = FONT  # else every drawing selects unembedded Helvetica
END = r"(?:, | and |\.|$)"


def num(s):
    return int(s.replace("\u2212", "-").replace("+", ""))


def items(tail, value_pattern):
    """'A 35%, B and C 40% and D 55%.' → [('A', '35'), ('B and C', '40'), ...]."""
    parts = re.split(value_pattern, tail)
    k = re.compile(value_pattern).groups
    out = []
    for i in range(0, len(parts) - k, k + 1):
        label = parts[i].strip().removeprefix("and ").strip(" ,")
        if label:
            out.append((label, *parts[i + 1:i + 1 + k]))
    return out


def wrap(label, width=26):
    return textwrap.fill(label, width)


def text(d, x, y, s, size=8, color=C["ink"], anchor="start", font=FONT):
    d.add(String(x, y, s, fontName=font, fontSize=size, fillColor=color, textAnchor=anchor))


def style_axes(ch, value_max=None, fmt=None):
    cat, val = ((ch.xValueAxis, ch.yValueAxis) if isinstance(ch, LinePlot)
                else (ch.categoryAxis, ch.valueAxis))
    for ax in (cat, val):
        ax.labels.fontName, ax.labels.fontSize, ax.labels.fillColor = FONT, 8, C["muted"]
        ax.strokeColor = C["faint"]
    val.visibleGrid, val.gridStrokeColor = 1, C["faint"]
    if value_max is not None:
        val.valueMin, val.valueMax = 0, value_max
    if fmt:
        val.labelTextFormat = fmt


def hbars(d, x, y, w, h, labels, series, fills, value_max, fmt="%d%%", stacked=False):
    ch = HorizontalBarChart()
    ch.x, ch.y, ch.width, ch.height = x, y, w, h
    ch.data = series
    ch.categoryAxis.categoryNames = [wrap(lb) for lb in labels]
    ch.categoryAxis.reverseDirection = 1
    style_axes(ch, value_max, fmt)
    ch.barLabelFormat, ch.barLabels.fontName, ch.barLabels.fontSize = fmt, FONT, 8
    ch.barLabels.boxAnchor, ch.barLabels.dx = "w", 3
    if stacked:
        ch.categoryAxis.style = "stacked"
        ch.barLabels.boxAnchor, ch.barLabels.dx, ch.barLabels.fillColor = "e", -3, colors.white
    ch.barSpacing, ch.groupSpacing = 2, 8
    for i, fill in enumerate(fills):
        ch.bars[i].fillColor, ch.bars[i].strokeColor = fill, None
    d.add(ch)
    return ch


def legend(d, x, y, pairs):
    lg = Legend()
    lg.x, lg.y, lg.alignment, lg.columnMaximum = x, y, "right", 1
    lg.fontName, lg.fontSize, lg.dx, lg.dy = FONT, 8, 8, 8
    lg.colorNamePairs, lg.deltax = pairs, 80
    d.add(lg)


def lines(d, x, y, w, h, series, fills, ymax, end_labels=(), dashed=()):
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = x, y, w, h
    lp.data = series
    style_axes(lp, ymax)
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = series[0][0][0], series[0][-1][0]
    lp.xValueAxis.valueStep, lp.xValueAxis.labelTextFormat = 1, "%d"
    for i, fill in enumerate(fills):
        lp.lines[i].strokeColor, lp.lines[i].strokeWidth = fill, 1.6
        if i in dashed:
            lp.lines[i].strokeDashArray = (3, 2)
    d.add(lp)
    for (label, fill), s in zip(end_labels, series):
        px = x + w + 4
        py = y + h * s[-1][1] / ymax
        text(d, px, py - 3, label, 7.6, fill)
    return lp


def years(a, b, start, end, bend=1.0):
    return [(yr, start + (end - start) * ((yr - a) / (b - a)) ** bend) for yr in range(a, b + 1)]


def draw(alt, score, w, h):
    d = Drawing(w, h)
    kind = alt.split(" of ")[0].split(":")[0]
    if alt.startswith("Gauge"):
        g = Doughnut()
        g.x, g.y, g.width, g.height = w / 2 - h * 0.9, -h * 0.75, h * 1.8, h * 1.8
        g.data, g.startAngle, g.direction = [25, 25, 25, 25, 100], 180, "clockwise"
        g.innerRadiusFraction, g.strokeWidth = 0.55, 0
        for i, fill in enumerate(BANDS + [colors.white]):
            g.slices[i].fillColor, g.slices[i].strokeColor = fill, colors.white
        d.add(g)
        cx, cy, r = w / 2, h * 0.15, h * 0.8
        a = 3.14159 * (1 - score["score"] / 100)
        from math import cos, sin
        d.add(Circle(cx + r * 0.78 * cos(a), cy + r * 0.78 * sin(a), 6, fillColor=C["ink"]))
        for v in range(0, 101, 25):
            b = 3.14159 * (1 - v / 100)
            text(d, cx + r * 1.05 * cos(b), cy + r * 1.05 * sin(b), str(v), 7, C["muted"], "middle")
        text(d, cx, cy + 8, str(score["score"]), 40, C["ink"], "middle", FONT + "-Bold")
        text(d, cx, cy - 12, f"{score['band']} risk", 12, C["very_high"], "middle",
             FONT + "-Bold")
    elif kind == "Bar chart" and "score scale" in alt:
        you, base = (int(re.search(p, alt).group(1)) for p in (r"score of (\d+)", r"of (\d+) below"))
        y0, bw = h / 2 - 8, w / 4
        for i, (name, fill) in enumerate(zip(("Low", "Moderate", "High", "Very high"), BANDS)):
            d.add(Rect(i * bw, y0, bw, 16, fillColor=fill, strokeColor=None))
            text(d, i * bw + bw / 2, y0 + 5, name, 8, colors.white if i != 1 else C["ink"],
                 "middle")
        for v, label, dy in ((you, f"You: {you}", 26), (base, f"Typical: {base}", -18)):
            d.add(Line(w * v / 100, y0 - 4, w * v / 100, y0 + 20, strokeColor=C["you"]))
            text(d, w * v / 100, y0 + dy, label, 8, C["you"], "middle")
    elif kind == "Waterfall chart":
        base = int(re.search(r"baseline of (\d+)", alt).group(1))
        steps = [(lb, num(v)) for lb, v in items(alt.split("steps are ")[1], r" ([+\u2212-]?\d+)" + END)]
        lows, ups, run = [0], [base], base
        for _, v in steps:
            lows.append(min(run, run + v))
            ups.append(abs(v))
            run += v
        lows.append(0)
        ups.append(run)
        ch = VerticalBarChart()
        ch.x, ch.y, ch.width, ch.height = 30, 20, w - 40, h - 30
        ch.data, ch.categoryAxis.style = [lows, ups], "stacked"
        ch.categoryAxis.categoryNames = ["Role baseline"] + [s[0] for s in steps] + ["Your score"]
        style_axes(ch, 100, "%d")
        ch.bars[0].fillColor = ch.bars[0].strokeColor = None
        ch.bars[1].fillColor, ch.bars[1].strokeColor = C["reference"], None
        for i, (_, v) in enumerate(steps, 1):
            ch.bars[(1, i)].fillColor = C["very_high"] if v > 0 else C["low"]
        ch.bars[(1, len(steps) + 1)].fillColor = C["you"]
        ch.barLabelFormat, ch.barLabels.fontName, ch.barLabels.dy = "%d", FONT, 6
        ch.barLabels[0].visible = 0
        d.add(ch)
    elif kind == "Bar chart" and "risk scores out of 100" in alt:
        tail = alt.split(": your score ")[1]
        you = int(tail.split()[0])
        rows = [("You", str(you))] + items(tail.split(" against ", 1)[1], r" (\d+)" + END)
        hbars(d, 140, 0, w - 170, h, [r[0] for r in rows], [[int(r[1]) for r in rows]],
              [C["reference"]], 100, "%d")
    elif kind == "Distribution chart":
        you, peak = (int(re.search(p, alt).group(1)) for p in (r"at (\d+),", r"about (\d+)"))
        from math import exp
        curve = [(x, 100 * exp(-((x - peak) / 12) ** 2 / 2)) for x in range(0, 101)]
        lp = lines(d, 30, 24, w - 40, h - 40, [curve], [C["reference"]], 110)
        lp.yValueAxis.visible, lp.xValueAxis.valueStep = 0, 10
        sx, sy = (w - 40) / 100, (h - 40) / 110
        pts = [30, 24] + [c for x, yv in curve if x <= you for c in (30 + x * sx, 24 + yv * sy)]
        d.add(Polygon(pts + [30 + you * sx, 24], fillColor=C["moderate"], strokeColor=None))
        d.add(Line(30 + you * sx, 24, 30 + you * sx, h - 12, strokeColor=C["you"], strokeWidth=1.5))
        text(d, 30 + you * sx, h - 10, f"You: {you}", 8, C["you"], "middle")
    elif kind == "Stacked bar chart":
        v = [int(x) for x in re.findall(r"(\d+)%", alt)]
        hbars(d, 120, 0, w - 130, h - 20, ["You", "Typical"], [[v[i], v[i + 3]] for i in range(3)],
              [C["automated"], C["assisted"], C["human_safe"]], 100, stacked=True)
        legend(d, 0, h - 4, [(C["automated"], "Automated"), (C["assisted"], "AI-assisted"),
                             (C["human_safe"], "Human-safe")])
    elif kind == "Bar chart" and "% of the week and " in alt:  # one task class (or a typical week's)
        rows = items(alt.split("exposure to AI: ")[1],
                     r" (\d+)% of the week and (\d+)% exposed" + END)
        fill = C["automated"] if "automated" in alt else C["assisted"] if "AI-assisted" in alt \
            else C["human_safe"]
        labels = [r[0] for r in rows]
        hbars(d, 150, 0, w * 0.45 - 150, h - 16, labels, [[int(r[1]) for r in rows]], [fill], 40)
        ch = hbars(d, w * 0.55, 0, w * 0.4, h - 16, labels, [[int(r[2]) for r in rows]],
                   [C["reference"]], 100)
        ch.categoryAxis.visibleLabels = 0
        text(d, 150, h - 10, "Share of your week", 8, C["ink"], font=FONT + "-Bold")
        text(d, w * 0.55, h - 10, "Exposure to AI", 8, C["ink"], font=FONT + "-Bold")
    elif kind == "Bar chart" and "skills of the" in alt:
        rows = items(alt.split("first: ")[1], r" (\d+)%" + END)
        ch = hbars(d, 170, 0, w - 200, h - 18, [r[0] for r in rows], [[int(r[1]) for r in rows]],
                   [C["low"]], 100)
        for i, r in enumerate(rows):
            ch.bars[(0, i)].fillColor = BANDS[3 - min(3, int(r[1]) // 25)]
        legend(d, 0, h - 4, list(zip(BANDS, ("Low", "Moderate", "High", "Very high"))))
    elif kind == "Dot chart":
        rows = items(alt.split("against a typical ", 1)[1].split(": ", 1)[1],
                     r" (\d+)% of your week against (\d+)% typical, (\d+)% resilient" + END)
        n = max(len(rows), 1)
        step = min((h - 14) / n, 28)
        for i, (label, yours, typ, res) in enumerate(rows):
            y = h - 24 - i * step
            x0, x1 = 170 + int(yours) * 4, 170 + int(typ) * 4
            d.add(Line(170, y, 170 + 160, y, strokeColor=C["faint"]))
            d.add(Line(x0, y, x1, y, strokeColor=C["reference"], strokeWidth=2))
            d.add(Circle(x0, y, 3.5, fillColor=C["you"], strokeColor=None))
            d.add(Circle(x1, y, 3.5, fillColor=C["reference"], strokeColor=None))
            text(d, 0, y - 3, label[:40], 8, C["ink"], font=FONT + "-Bold")
            text(d, w, y - 3, f"{res}% resilient", 7.6, C["muted"], "end")
        legend(d, 0, h - 4, [(C["you"], "Your week"), (C["reference"], "Typical")])
    elif kind == "Line chart" and "projected AI exposure" in alt:
        v = [int(x) for x in re.findall(r"(\d+)%", alt)]
        lines(d, 30, 20, w - 80, h - 30, [years(2026, 2035, v[0], v[1], 1.6),
                                          years(2026, 2035, v[2], v[3], 1.6)],
              [C["you"], C["reference"]], 100, (("You", C["you"]), ("Typical", C["reference"])),
              dashed=(1,))
    elif kind == "Bar chart" and "salary premium" in alt:
        v = [num(x) for x in re.findall(r"([+\u2212-]\d+)%", alt)]
        ch = hbars(d, 120, 0, w - 150, h - 16, ["Typical", "You"], [v], [C["reference"]],
                   max(v + [10]) + 5, "+%d%%")
        ch.bars[(0, 1)].fillColor = C["you"]
        text(d, 0, h - 10, "AI salary premium at senior level", 8, font=FONT + "-Bold")
    elif kind == "Line chart":
        rows = items(alt.split("2035. ")[1].replace("Recommended: ", "").replace(
            "Your current skills: ", ""), r" from (\d+) to (\d+)" + END)
        ser = [years(2026, 2035, int(a), int(b), 1.3) for _, a, b in rows]
        fills = [C["reference"]] * 3 + [C["teal"]] * 3
        ymax = max([int(b) for _, _, b in rows] + [150]) + 20
        lines(d, 30, 20, w - 190, h - 30, ser, fills, ymax,
              [(r[0][:30], f) for r, f in zip(rows, fills)], dashed=(0, 1, 2))
    elif kind == "Gantt chart":
        phases = re.findall(r"Phase (\d), [^(]*\((\d{4}) to (\d{4})\): ([^.]+)\.", alt)
        x0, sx = 60, (w - 70) / 9
        for yr in range(2026, 2036):
            d.add(Line(x0 + (yr - 2026) * sx, 0, x0 + (yr - 2026) * sx, h - 4,
                       strokeColor=C["faint"]))
            text(d, x0 + (yr - 2026) * sx, h - 2, str(yr), 7.6, C["muted"], "middle")
        for i, (p, a, b, role) in enumerate(phases):
            y = h - 40 - i * (h - 40) / 3
            d.add(Rect(x0 + (int(a) - 2026) * sx, y, (int(b) - int(a)) * sx, 14,
                       fillColor=C["you"], strokeColor=None))
            text(d, 0, y + 4, f"Phase {p}", 8, font=FONT + "-Bold")
            text(d, x0 + (int(a) - 2026) * sx, y + 18, role[:60], 8)
    elif kind == "Timeline":
        a, b = (int(x) for x in re.search(r"from (\d{4}) to (\d{4}): milestones", alt).groups())
        ms = re.split(r", (?=[A-Z])| and (?=[A-Z])", alt.split("milestones ")[1].split(
            ", then check")[0]) + ["Check progress"]
        for i, label in enumerate(("Phase 1", "Phase 2", "Phase 3")):
            on = alt.startswith(f"Timeline of phase {i + 1}")
            d.add(Rect(i * w / 3, h - 14, w / 3 - 4, 14, fillColor=C["you"] if on else C["faint"],
                       strokeColor=None))
            text(d, i * w / 3 + 6, h - 10, label, 7.6, colors.white if on else C["muted"])
        y = h - 50
        d.add(Line(0, y, w, y, strokeColor=C["you"], strokeWidth=2))
        for yr in range(a, b + 1):
            text(d, (yr - a) * w / (b - a), y + 8, str(yr), 7.6, C["muted"], "middle")
        step = w / len(ms)
        for i, label in enumerate(ms):
            x = step * (i + 0.5)
            d.add(Circle(x, y, 4, fillColor=C["teal"], strokeColor=colors.white))
            for j, ln in enumerate(textwrap.wrap(f"{i + 1}. {label}", 22)[:6]):
                text(d, x, y - 14 - 10 * j, ln, 7.6, C["ink"], "middle")
    elif kind == "Calendar chart":
        start = datetime.datetime.strptime(re.search(r"from (\d+ \w+ \d{4})", alt).group(1),
                                           "%d %B %Y")
        sx = w / 13
        for i in range(13):
            day = start + datetime.timedelta(weeks=i)
            d.add(Rect(i * sx, h - 20, sx - 2, 16, fillColor=C["faint"], strokeColor=None))
            text(d, i * sx + sx / 2, h - 15, day.strftime("%-d %b"), 7, C["muted"], "middle")
        for i, label in enumerate(("Days 1\u201330 \u00b7 Set up and start",
                                   "Days 31\u201360 \u00b7 Build the habit",
                                   "Days 61\u201390 \u00b7 Make it count")):
            d.add(Rect(i * w / 3, h - 40, w / 3 - 2, 14, fillColor=C["you"], strokeColor=None))
            text(d, i * w / 3 + 4, h - 36, label, 7.6, colors.white)
        for i in range(4):
            d.add(Circle(6 + i * 8, h - 52, 3, fillColor=C["teal"], strokeColor=None))
        text(d, 44, h - 55, "This week: 4 quick wins", 7.6)
        text(d, w, h - 55, "Retake the audit", 7.6, C["ink"], "end")
    elif kind == "Bar chart" and "related roles" in alt:
        you = int(re.search(r"your score of (\d+)", alt).group(1))
        rows = items(alt.split(f"score of {you}: ")[1].rsplit(". ", 1)[0] + ".", r" (\d+)" + END)
        hbars(d, 130, 0, w - 160, h - 16, [r[0] for r in rows], [[int(r[1]) for r in rows]],
              [C["moderate"]], 100, "%d")
        xv = 130 + (w - 160) * you / 100
        d.add(Line(xv, 0, xv, h - 12, strokeColor=C["you"], strokeWidth=1.5))
        text(d, xv, h - 10, f"You {you}", 8, C["you"], "middle")
    else:
        raise ValueError(f"no chart for: {alt[:80]}")
    return d


def cell_bar(pct, scale):
    """The small bar our task inventory table draws beside a figure."""
    d = Drawing(40, 6)
    d.add(Rect(0, 0, 40, 5, fillColor=C["faint"], strokeColor=None))
    d.add(Rect(0, 0, 40 * min(pct, scale) / scale, 5, fillColor=C["you"], strokeColor=None))
    return d
