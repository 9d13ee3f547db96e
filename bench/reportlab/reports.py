#!/usr/bin/env python3
"""The ReportLab side of the riskreport comparison (bench/reportlab/run.sh; not part of CI).

  reports.py prepare CSV PDF_DIR DATA_JSON   untimed: the copy, tables and chart data of our PDFs
  reports.py render DATA_JSON FONT_DIR OUT   timed: one 24-page A4 PDF per report with ReportLab

`prepare` reads each riskreport PDF's structure tree (`pdfinfo -struct-text`: the page sections,
headings, paragraphs, lists, tables, KPI tiles, contents), each chart's /Alt text (`qpdf --json`,
which holds the numbers the chart draws) and the footer line (`pdftotext`), plus the scores
(`riskreport score --format json`). `render` sets the same words on the same pages with platypus
(justified paragraphs, headings, lists, Tables) and draws the same charts as vectors with
reportlab.graphics, in Noto Sans embedded as TrueType subsets, with running header and footer, a
linked contents page, one bookmark per page and page compression.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path


# ---------------------------------------------------------------- prepare (not timed)

def parse_struct(text):
    """The indented tree `pdfinfo -struct-text` prints, as nested dicts; text kept in order."""
    root = {"tag": "root", "kids": []}
    stack = [(-1, root)]
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("/") or s.startswith("Object "):
            continue
        ind = len(line) - len(line.lstrip(" "))
        while stack[-1][0] >= ind:
            stack.pop()
        if s.startswith('"') and s.endswith('"'):
            stack[-1][1]["kids"].append(s[1:-1])
            continue
        node = {"tag": s.split()[0].rstrip(":"), "kids": []}
        stack[-1][1]["kids"].append(node)
        stack.append((ind, node))
    return root


def text_of(node):
    return "".join(k if isinstance(k, str) else text_of(k) for k in node["kids"])


def find(node, tag):
    return [k for k in node["kids"] if isinstance(k, dict) and k["tag"] == tag]


def page_blocks(sect, alts):
    """One page section → a list of blocks: (kind, payload)."""
    blocks, seen_h1 = [], False
    for k in sect["kids"]:
        if isinstance(k, str):
            blocks.append(("p", k))
            continue
        tag = k["tag"]
        if tag in ("H1", "H2", "H3"):
            seen_h1 = seen_h1 or tag == "H1"
            blocks.append((tag.lower(), text_of(k)))
        elif tag == "L":
            items = []
            for li in find(k, "LI"):
                lbl = "".join(text_of(x) for x in find(li, "Lbl"))
                body = "".join(text_of(x) for x in find(li, "LBody")) or text_of(li)
                items.append((lbl, body))
            blocks.append(("list", items))
        elif tag == "Table":
            rows = []
            for part in find(k, "THead") + find(k, "TBody") + find(k, "TR"):
                for tr in ([part] if part["tag"] == "TR" else find(part, "TR")):
                    rows.append([text_of(c) for c in tr["kids"] if isinstance(c, dict)])
            blocks.append(("table", {"rows": rows, "head": len(find(k, "THead")) > 0}))
        elif tag == "Figure":
            blocks.append(("fig", alts.pop(0)))
        elif tag == "Div":
            tile = [text_of(p) for p in k["kids"] if isinstance(p, dict)]
            if blocks and blocks[-1][0] == "tiles":
                blocks[-1][1].append(tile)
            else:
                blocks.append(("tiles", [tile]))
        elif tag == "TOC":
            toc = []
            for i, item in enumerate(find(k, "TOCI")):
                m = re.match(r"(.*\S)\s+(\d+)$", text_of(item))  # "Title 3"; pages 3-24 in order
                toc.append((m.group(1), int(m.group(2))) if m else (text_of(item), i + 3))
            blocks.append(("toc", toc))
        else:
            blocks.append(("kicker" if not seen_h1 else "p", text_of(k)))
    return blocks


def complete(blocks, page_text):
    """pdfinfo -struct-text stops a paragraph at its first hyphenated line break ("to-"):
    take the rest from pdftotext's text of the page, up to where the next block starts."""
    paras = [re.sub(r"\s+", " ", p.replace("\u00ad\n", ""))
             for p in re.split(r"\n\s*\n", page_text)]
    flat = [(i, j) for i, (kind, data) in enumerate(blocks) if kind in ("p", "list")
            for j in (range(len(data)) if kind == "list" else [None])]
    for n, (i, j) in enumerate(flat):
        text = blocks[i][1] if j is None else blocks[i][1][j][1]
        if not text.endswith("-"):
            continue
        nxt = flat[n + 1] if n + 1 < len(flat) else None
        follow = None if nxt is None else (blocks[nxt[0]][1] if nxt[1] is None
                                           else blocks[nxt[0]][1][nxt[1]][1])
        for para in paras:
            at = para.find(text[:-1])
            if at >= 0:
                rest = para[at:]
                cut = rest.find(follow[:30], len(text) - 1) if follow else -1
                rest = (rest[:cut] if cut > 0 else rest).strip()
                if j is None:
                    blocks[i] = ("p", rest)
                else:
                    blocks[i][1][j] = (blocks[i][1][j][0], rest)
                break


def figure_alts(pdf):
    """Every /Figure's /Alt in object order (= page order in our PDFs)."""
    out = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", str(pdf)],
                         check=True, capture_output=True, text=True).stdout
    objs = json.loads(out)["qpdf"][1]
    figs = []
    for key, obj in objs.items():
        val = obj.get("value")
        if isinstance(val, dict) and val.get("/S") == "/Figure" and "/Alt" in val:
            figs.append((int(key.split(":")[1].split()[0]), val["/Alt"][2:]))
    return [alt for _, alt in sorted(figs)]


def prepare(csv_path, pdf_dir, data_json, riskreport="riskreport", score_out="/tmp"):
    scores = json.loads(subprocess.run(
        [riskreport, "score", csv_path, "--format", "json", "--out", score_out],
        check=True, capture_output=True, text=True).stdout)
    import csv
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        names = {r["audit_id"]: r["full_name"] for r in csv.DictReader(f)}
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(os.cpu_count()) as pool:  # pdfinfo -struct-text takes ~10 s a file
        reports = list(pool.map(lambda sc: extract(sc, Path(pdf_dir), names[sc["audit_id"]]),
                                scores))
    Path(data_json).write_text(json.dumps(reports, ensure_ascii=False))
    print(f"prepared {len(reports)} reports, {sum(len(r['pages']) for r in reports)} pages")


def extract(sc, pdf_dir, name):
    pdf = pdf_dir / f"{sc['audit_id']}.pdf"
    struct = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], check=True,
                            capture_output=True, text=True).stdout
    alts = figure_alts(pdf)
    sects = find(find(parse_struct(struct), "Document")[0], "Sect")
    pages = [page_blocks(s, alts) for s in sects]
    texts = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    for blocks, page_text in zip(pages, texts):
        complete(blocks, page_text)
    lines = [ln for ln in texts[1].splitlines() if ln.strip() and not ln.startswith("Page ")]
    title = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[0].split(":", 1)[1].strip()
    return {"id": sc["audit_id"], "name": name, "title": title, "footer": lines[-1],
            "score": sc, "pages": pages}


# ---------------------------------------------------------------- render (timed)

def render(data_json, font_dir, out_dir):
    # ReportLab's documented speed switch: no type checks on every attribute a chart sets.
    os.environ.setdefault("RL_shapeChecking", "0")
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (BaseDocTemplate, Frame, KeepInFrame, PageBreak,
                                    PageTemplate, Paragraph, Spacer, Table, TableStyle)
    from reportlab.lib.fonts import addMapping
    from xml.sax.saxutils import escape
    import charts

    rl_config.useA85 = 0  # binary deflated streams, as ours (ReportLab's default adds ASCII85)
    fd = Path(font_dir)
    for face, file in (("NotoSans", "NotoSans-Regular"), ("NotoSans-Bold", "NotoSans-Bold"),
                       ("NotoSans-Italic", "NotoSans-Italic")):
        pdfmetrics.registerFont(TTFont(face, str(fd / f"{file}.ttf")))
    for b, i, face in ((0, 0, "NotoSans"), (1, 0, "NotoSans-Bold"), (0, 1, "NotoSans-Italic"),
                       (1, 1, "NotoSans-Bold")):
        addMapping("NotoSans", b, i, face)

    # Scripts Noto Sans lacks: one face per script, registered when first needed.
    # No shaping (ReportLab has none): Arabic/Hebrew come out unjoined and left to right.
    scripts = [((0x0590, 0x05FF), "NotoSansHebrew"), ((0x0600, 0x06FF), "NotoSansArabic"),
               ((0x0530, 0x058F), "NotoSansArmenian"), ((0x10A0, 0x10FF), "NotoSansGeorgian"),
               ((0x0980, 0x09FF), "NotoSansBengali"), ((0x0A00, 0x0A7F), "NotoSansGurmukhi"),
               ((0x0A80, 0x0AFF), "NotoSansGujarati"), ((0x0B00, 0x0B7F), "NotoSansOriya"),
               ((0x0B80, 0x0BFF), "NotoSansTamil"), ((0x0C00, 0x0C7F), "NotoSansTelugu"),
               ((0x0C80, 0x0CFF), "NotoSansKannada"), ((0x0D00, 0x0D7F), "NotoSansMalayalam"),
               ((0x0D80, 0x0DFF), "NotoSansSinhala"), ((0x0E00, 0x0E7F), "NotoSansThai"),
               ((0x0E80, 0x0EFF), "NotoSansLao"), ((0x1000, 0x109F), "NotoSansMyanmar"),
               ((0x1200, 0x139F), "NotoSansEthiopic"), ((0x1780, 0x17FF), "NotoSansKhmer"),
               ((0x1100, 0x11FF), "WQY"), ((0x3040, 0x30FF), "WQY"), ((0x3400, 0x9FFF), "WQY"),
               ((0xAC00, 0xD7AF), "WQY")]
    registered = set()

    def face_for(ch):
        o = ord(ch)
        for (lo, hi), face in scripts:
            if lo <= o <= hi:
                if face not in registered:
                    file = "WenQuanYiMicroHei" if face == "WQY" else f"{face}-Regular"
                    pdfmetrics.registerFont(TTFont(face, str(fd / f"{file}.ttf")))
                    registered.add(face)
                return face
        return None

    other = re.compile("[\u0530-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

    def markup(text):
        """Escape, and put runs of other scripts in their own face."""
        if not other.search(text):
            return escape(text)
        out, run, face = [], [], None
        for ch in text + "\0":
            f = face_for(ch) if ch != "\0" else None
            if f != face or ch == "\0":
                if run:
                    s = escape("".join(run))
                    out.append(f'<font face="{face}">{s}</font>' if face else s)
                run, face = [], f
            run.append(ch)
        return "".join(out)

    navy, teal, ink, muted, faint = (colors.HexColor(c) for c in
                                     ("#1F3A68", "#1B7A80", "#1D2433", "#5F6779", "#E4E7EE"))
    S = {k: ParagraphStyle(k, **{"fontName": "NotoSans", "textColor": ink, **v}) for k, v in {
        "body": dict(fontSize=9.6, leading=13.6, alignment=TA_JUSTIFY, spaceAfter=7),
        "lead": dict(fontSize=12, leading=16, spaceAfter=7),
        "kicker": dict(fontSize=7.8, leading=10, textColor=teal, fontName="NotoSans-Bold"),
        "h1": dict(fontSize=22, leading=26, textColor=navy, fontName="NotoSans-Bold",
                   spaceAfter=8),
        "h2": dict(fontSize=13, leading=16, textColor=navy, fontName="NotoSans-Bold",
                   spaceBefore=11, spaceAfter=2.5),
        "h3": dict(fontSize=10.6, leading=13, fontName="NotoSans-Bold", spaceBefore=8,
                   spaceAfter=2.5),
        "li": dict(fontSize=9.6, leading=13.6, leftIndent=12, bulletIndent=0, spaceAfter=3,
                   bulletFontName="NotoSans"),
        "cell": dict(fontSize=7.6, leading=9.6),
        "th": dict(fontSize=7.6, leading=9.6, textColor=colors.white, fontName="NotoSans-Bold"),
        "toc": dict(fontSize=9.6, leading=16),
        "tile_k": dict(fontSize=7, leading=9, textColor=muted, fontName="NotoSans-Bold"),
        "tile_v": dict(fontSize=18, leading=22, textColor=navy, fontName="NotoSans-Bold"),
        "small": dict(fontSize=7.6, leading=10, textColor=muted),
        "cover": dict(fontSize=9, leading=12, textColor=colors.white),
        "cover_h1": dict(fontSize=30, leading=36, textColor=colors.white,
                         fontName="NotoSans-Bold"),
        "cover_name": dict(fontSize=18, leading=24, textColor=colors.white,
                           fontName="NotoSans-Bold"),
    }.items()}

    W, H = A4
    ml, mr, mt, mb = 56, 56, 78, 64
    fw, fh = W - ml - mr, H - mt - mb

    def tile_row(tiles):
        cells = [[Paragraph(markup(t[0]), S["tile_k"]), Paragraph(markup(t[1]), S["tile_v"])]
                 + [Paragraph(markup(x), S["small"]) for x in t[2:]] for t in tiles]
        t = Table([cells], colWidths=[fw / len(tiles)] * len(tiles))
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), faint), ("FONTNAME", (0, 0), (-1, -1), "NotoSans"),
                               ("LINEABOVE", (0, 0), (-1, 0), 2, colors.HexColor("#F59A48")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEAFTER", (0, 0), (-2, -1), 4, colors.white)]))
        return t

    def data_table(rows, head, bars):
        cells = [[Paragraph(markup(c), S["th" if head and i == 0 else "cell"]) for c in r]
                 for i, r in enumerate(rows)]
        if bars:  # our task inventory draws the time and exposure figures as bars in the cells
            for r in cells[1:]:
                for col in (1, 3):
                    pct = float(re.sub(r"[^\d.]", "", r[col].text) or 0)
                    r[col] = [charts.cell_bar(pct, 100 if col == 3 else 40), r[col]]
        n = len(rows[0])
        weights = [min(sum(len(r[c]) for r in rows) / len(rows), 60) + 8 for c in range(n)]
        widths = [fw * w / sum(weights) for w in weights]
        t = Table(cells, colWidths=widths, repeatRows=1 if head else 0)
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), "NotoSans"),
                 ("LINEBELOW", (0, 0), (-1, -1), 0.4, faint),
                 ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
        if head:
            style.append(("BACKGROUND", (0, 0), (-1, 0), navy))
        t.setStyle(TableStyle(style))
        return t

    def page_flowables(blocks, pageno, score):
        fl, figs, cover = [], [], pageno == 1
        h1_seen, after_h1 = False, 0
        for kind, data in blocks:
            if kind == "kicker":
                fl.append(Paragraph(markup(data), S["cover" if cover else "kicker"]))
            elif kind in ("h1", "h2", "h3"):
                st = "cover_h1" if cover and kind == "h1" else kind
                p = Paragraph(markup(data), S[st])
                if kind == "h1":
                    p._bookmark = (f"p{pageno}", data)
                    h1_seen = True
                fl.append(p)
            elif kind == "p":
                if cover and h1_seen and after_h1 < 2:
                    st = "cover_name" if after_h1 == 0 else "cover"
                    after_h1 += 1
                    if after_h1 == 2:
                        fl += [Paragraph(markup(data), S[st]), Spacer(1, 150)]
                        continue
                    fl.append(Paragraph(markup(data), S[st]))
                else:
                    fl.append(Paragraph(markup(data), S["body"]))
            elif kind == "list":
                for lbl, body in data:
                    fl.append(Paragraph(markup(body), S["li"], bulletText=lbl or "\u2013"))
            elif kind == "table":
                fl.append(data_table(data["rows"], data["head"], pageno == 7))
                fl.append(Spacer(1, 8))
            elif kind == "tiles":
                fl += [tile_row(data), Spacer(1, 10)]
            elif kind == "toc":
                for title, page in data:
                    fl.append(Paragraph(f'<a href="#p{page}" color="#1D2433">{markup(title)}'
                                        f'</a> <font color="#5F6779">{page}</font>', S["toc"]))
            elif kind == "fig":
                fig = [data, score, None]
                figs.append(fig)
                fl.append(fig)  # placeholder: sized below
        # Charts grow into the room the page's other content leaves (as in our layout).
        used = sum(f.wrap(fw, fh)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                   for f in fl if not isinstance(f, list))
        room = (fh - used - 12 * len(figs) - (150 if cover else 0)) / max(len(figs), 1)
        height = max(110, min(300, room))
        out = [charts.draw(f[0], f[1], fw, height) if isinstance(f, list) else f for f in fl]
        if used + height * len(figs) > fh:  # no silent 25th page: shrink the page instead
            out = [KeepInFrame(fw, fh, out, mode="shrink")]
        return out

    class Doc(BaseDocTemplate):
        def afterFlowable(self, fl):
            bm = getattr(fl, "_bookmark", None)
            if bm:
                self.canv.bookmarkPage(bm[0])
                self.canv.addOutlineEntry(bm[1], bm[0], 0)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for rep in json.loads(Path(data_json).read_text()):
        name = rep["name"]
        name_face = next((face_for(c) for c in name if face_for(c)), "NotoSans")

        def furniture(canv, doc, rep=rep, name_face=name_face):
            canv.saveState()
            if canv.getPageNumber() == 1:
                canv.setFillColor(navy)
                canv.rect(0, H - 300, W, 300, stroke=0, fill=1)
            else:
                canv.setFont("NotoSans-Bold", 7.6)
                canv.setFillColor(navy)
                canv.drawString(ml, H - 40, "AI CAREER RISK AUDIT")
                canv.setFont(name_face, 7.6)
                canv.drawRightString(W - mr, H - 40, rep["name"])
                canv.setStrokeColor(faint)
                canv.line(ml, H - 48, W - mr, H - 48)
            canv.setFont("NotoSans", 7.6)
            canv.setFillColor(muted)
            canv.drawString(ml, 36, rep["footer"])
            canv.drawRightString(W - mr, 36, f"Page {canv.getPageNumber()} of 24")
            canv.restoreState()

        doc = Doc(str(out / f"{rep['id']}.pdf"), pagesize=A4, pageCompression=1, initialFontName="NotoSans",
                  title=rep["title"], author="riskreport (ReportLab comparison)",
                  subject=f"Personalized AI displacement risk analysis for {name}",
                  lang="en-GB", leftMargin=ml, rightMargin=mr, topMargin=mt, bottomMargin=mb)
        doc.addPageTemplates([PageTemplate("page", [Frame(ml, mb, fw, fh, 0, 0, 0, 0)],
                                           onPage=furniture)])
        story = []
        for i, blocks in enumerate(rep["pages"], 1):
            story += page_flowables(blocks, i, rep["score"])
            if i < len(rep["pages"]):
                story.append(PageBreak())
        doc.build(story)


if __name__ == "__main__":
    sys.dont_write_bytecode = True  # no __pycache__ in the repo
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if len(sys.argv) >= 5 and sys.argv[1] == "prepare":
        prepare(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "render":
        render(*sys.argv[2:])
    else:
        sys.exit(__doc__)
