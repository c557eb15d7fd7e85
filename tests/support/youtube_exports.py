"""YouTube Studio exports as the tests read them: the fixtures in tests/data/youtube, ZIPs built from them, and raw totals.

Every expected number is summed from the raw file with the csv module and this module's own
header list (MEASURE_HEADERS), never read back from vmdash's header tables. LOADED names the
shapes that import (with what they must sum to), REFUSED the ones refused and the words the
refusal must hold; the unit tests import them through the command line, the app tests through
the Upload page.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "youtube"
SHY = "\u00ad"

# This test's own reading of Studio's headers: local spelling -> (measure, scale).
MEASURE_HEADERS = {
    "views": ("Views", "Aufrufe", "Visualizações", "Visualizaciones", "視聴回数"),
    "engaged_views": ("Engaged views",),
    "watch_time_s": (
        "Watch time (hours)",
        "Wiedergabezeit (Stunden)",
        "Tempo de exibição (horas)",
        "Tiempo de visualización (horas)",
        "総再生時間（単位: 時間）",
    ),
    "impressions": ("Impressions", "Impressionen", "Impressões", "Impresiones", "インプレッション数"),
    "subscribers_gained": ("Subscribers gained",),
    "likes": ("Likes",),
    "comments": ("Comments added",),
    "shares": ("Shares",),
}
ID_HEADERS = ("Content", "Video", "Inhalt", "Conteúdo", "Contenido", "コンテンツ", "Traffic source")
NOT_DATA = re.compile(r"^(total|gesamt|合計)$|^(showing top|die ersten|mostrando os|se muestran)", re.IGNORECASE)

# ZIPs are built from the fixture files with Studio's own member names.
ZIPS = {
    "Content 2026-01-01_2026-01-03 Maison Lumière.zip": {
        "Table data.csv": "content_table_data.csv",
        "Chart data.csv": "content_chart_data.csv",
        "Totals.csv": "content_totals.csv",
    },
    "Inhalt 2026-03-01_2026-03-03 Maison Lumière.zip": {
        "Tabellendaten.csv": "de_table_data.csv",
        "Diagrammdaten.csv": "de_chart_data.csv",
        "Gesamtwerte.csv": "de_totals.csv",
    },
    "Conteúdo 2026-03-01_2026-03-03 Maison Lumière.zip": {
        "Dados da tabela.csv": "pt_table_data.csv",
        "Dados do gráfico.csv": "pt_chart_data.csv",
        "Total.csv": "pt_totals.csv",
    },
    "Contenido 2026-03-01_2026-03-03 Maison Lumière.zip": {
        "Datos de la tabla.csv": "es_table_data.csv",
        "Datos del gráfico.csv": "es_chart_data.csv",
        "Totales.csv": "es_totals.csv",
    },
    "Traffic source 2026-03-01_2026-03-03 Maison Lumière.zip": {
        "Table data.csv": "traffic_source_table.csv",
        "Chart data.csv": "traffic_source_chart.csv",
    },
    "Audience retention 2026-01-01_2026-01-03 Shorts serum drop test.zip": {
        "Table data.csv": "retention_curve.csv",
        "Detailed activity.csv": "retention_detailed_activity.csv",
    },
}


def build(name: str, folder: Path) -> Path:
    """A fixture file, or a ZIP of fixture files under Studio's member names (fixed timestamps)."""
    if name not in ZIPS:
        return DATA / name
    target = folder / name
    if not target.exists():
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, source in ZIPS[name].items():
                info = zipfile.ZipInfo(member, date_time=(2026, 4, 1, 9, 0, 0))
                zf.writestr(info, (DATA / source).read_bytes(), zipfile.ZIP_DEFLATED)
    return target


def raw_rows(source: str) -> tuple[list[str], list[list[str]]]:
    """A fixture's header (soft hyphens removed) and its data rows (no total row, no trailer)."""
    data = (DATA / source).read_bytes()
    text = data.decode("cp932" if source.startswith("ja_") else "utf-8" if data.isascii() else text_encoding(data))
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.replace(SHY, "") for h in rows[0]]
    body = [r for r in rows[1:] if r and not NOT_DATA.match(r[0].replace(SHY, ""))]
    return header, body


def text_encoding(data: bytes) -> str:
    """UTF-8 when the bytes decode as UTF-8, else Excel's cp1252."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _number(cell: str) -> float | None:
    """A Studio cell as a number (thousands commas dropped); None when blank."""
    cell = cell.strip().replace(",", "")
    return float(cell) if cell else None


def raw_totals(sources: list[str]) -> tuple[dict[str, float | None], int]:
    """Sums of every measure over the rows one import keeps, and how many rows that is.

    A table and a chart of the same ZIP: the table's rows whole, and chart days only for
    identities (video or traffic source) the table lacks.
    """
    parts = [raw_rows(s) for s in sources]
    tables = [(h, b) for h, b in parts if h[0] != "Date" and h[0] not in ("Datum", "Data", "Fecha")]
    in_table = {r[0] for _, b in tables for r in b}
    sums: dict[str, float | None] = {}
    rows = 0
    for header, body in parts:
        dated = header[0] in ("Date", "Datum", "Data", "Fecha")
        key = next(i for i, h in enumerate(header) if h in ID_HEADERS)
        kept = [r for r in body if not (dated and r[key] in in_table)]
        rows += len(kept)
        for measure, spellings in MEASURE_HEADERS.items():
            for column, h in enumerate(header):
                if h in spellings:
                    values = [_number(r[column]) for r in kept]
                    scale = 3600 if measure == "watch_time_s" else 1
                    found = [v * scale for v in values if v is not None]
                    if found:
                        sums[measure] = (sums.get(measure) or 0) + sum(found)
    return sums, rows


# name -> (sources summed, format(s), locale, rows skipped as totals or trailers)
LOADED = {
    "table_data_blank_measures.csv": (["table_data_blank_measures.csv"], "youtube_table_data", "en", 2),
    "chart_data_engaged_views.csv": (["chart_data_engaged_views.csv"], "youtube_chart_data", "en", 0),
    "excel_resaved_cp1252.csv": (["excel_resaved_cp1252.csv"], "youtube_table_data", "en", 1),
    "traffic_source_table.csv": (["traffic_source_table.csv"], "youtube_traffic_source_table", "en", 1),
    "traffic_source_chart.csv": (["traffic_source_chart.csv"], "youtube_traffic_source_chart", "en", 0),
    "ja_table_data.csv": (["ja_table_data.csv"], "youtube_table_data", "ja", 1),
    "Content 2026-01-01_2026-01-03 Maison Lumière.zip": (
        ["content_table_data.csv", "content_chart_data.csv"],
        "youtube_chart_data+youtube_table_data",
        "en",
        1,
    ),
    "Inhalt 2026-03-01_2026-03-03 Maison Lumière.zip": (
        ["de_table_data.csv", "de_chart_data.csv"],
        "youtube_chart_data+youtube_table_data",
        "de",
        2,
    ),
    "Conteúdo 2026-03-01_2026-03-03 Maison Lumière.zip": (
        ["pt_table_data.csv", "pt_chart_data.csv"],
        "youtube_chart_data+youtube_table_data",
        "pt",
        2,
    ),
    "Contenido 2026-03-01_2026-03-03 Maison Lumière.zip": (
        ["es_table_data.csv", "es_chart_data.csv"],
        "youtube_chart_data+youtube_table_data",
        "es",
        2,
    ),
    "Traffic source 2026-03-01_2026-03-03 Maison Lumière.zip": (
        ["traffic_source_table.csv", "traffic_source_chart.csv"],
        "youtube_traffic_source_chart+youtube_traffic_source_table",
        "en",
        1,
    ),
}


# name -> words the one-line refusal must hold
REFUSED = {
    "chart_data_average_view_duration.csv": ("'Average view duration' is an average", "Watch time (hours)"),
    "totals_estimated_revenue.csv": ("'Estimated revenue' is YouTube's revenue", "Views or Watch time"),
    "geography_table.csv": ("Geography tab", "Traffic source tab"),
    "totals_watch_time.csv": ("YouTube Studio (totals)", "already give per video"),
}
