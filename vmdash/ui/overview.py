"""The Overview's own pieces: headline volume cards with sparklines, and channel coverage."""

from __future__ import annotations

import math

import streamlit as st

from vmdash import metrics, model
from vmdash.ingest.detect import BY_NAME as FORMATS
from vmdash.queries.coverage import FED, OUTSIDE, ChannelCoverage
from vmdash.queries.overview import Volume
from vmdash.ui.common import safe_text

_DESCRIPTIONS = {c.name: c.description for c in model.MEASURES}


# From a million up, spend on a card reads like the other volumes ("1.23 M €"): written out with
# its cents it no longer fits a card four to a row; its help gives the exact amount.
_COMPACT_SPEND = 1e6


def _shown(volume: Volume, currency: str | None) -> str:
    if volume.value is None:
        return "not reported"
    if volume.name == "watch_time_s":
        return f"{metrics.compact_number(volume.value / 3600)} h"
    if volume.name == "spend" and _COMPACT_SPEND <= abs(volume.value) < metrics.HUGE:
        return f"{metrics.compact_number(volume.value)} {model.currency_symbol(currency)}".strip()
    return metrics.format_value(volume.value, "money" if volume.name == "spend" else "number", currency)


def _help(volume: Volume, platforms: list[str]) -> str:
    if volume.name == "reach":
        # Platforms count people per row: nobody can tell how many rows reached the same person.
        return f"Sum of reach: {_DESCRIPTIONS['reach']}, counted per row, so a person reached by two rows counts twice."
    if volume.name != "views":
        return f"Sum of {volume.name}: {_DESCRIPTIONS[volume.name]}."
    # A view is whatever each platform calls one: the sum says so rather than pretend they agree.
    defined = metrics.view_definitions(platforms)
    lines = "; ".join(f"{model.platform_label(p)}: {text}" for p, text in defined.items())
    return "Each platform's own view, summed" + (f" ({lines})" if lines else "") + "."


def volume_cards(
    volumes: tuple[Volume, ...],
    platforms: list[str],
    currency: str | None = None,
    versus: str | None = None,
    columns: int = 4,
) -> None:
    """The headline volumes as cards, `columns` to a row: total, change on the comparison period (named
    beside the chip), a sparkline.

    A volume no platform in the selection reports reads "not reported", with neither change nor chart.
    """
    for i, volume in enumerate(volumes):
        if i % columns == 0:
            # A row at a time: on a phone, where columns stack, the cards keep their order.
            cols = st.columns(columns)
        delta = None
        if volume.change is not None and math.isfinite(volume.change):
            delta = f"{volume.change:+.1%}"
        label = volume.label + (" (per platform)" if volume.name == "views" else "")
        shown = _shown(volume, currency)
        help_text = _help(volume, platforms)
        if volume.name == "spend" and volume.value is not None:
            exact = metrics.format_value(volume.value, "money", currency)
            if shown != exact:
                help_text += f" Exactly {exact}."
        with cols[i % columns]:
            st.metric(
                label,
                shown,
                delta=delta,
                # More spend is neither good nor bad news on its own.
                delta_color="off" if volume.name == "spend" else "normal",
                help=safe_text(help_text),
                border=True,
                chart_data=list(volume.series) if len(volume.series) > 1 and volume.value is not None else None,
                chart_type="area",
                delta_description=(versus or "vs previous period") if delta else None,
            )


def _format_label(name: str) -> str:
    known = FORMATS.get(name)
    return known.label if known is not None else name


def channel_coverage(coverage: tuple[ChannelCoverage, ...]) -> None:
    """Each channel of the brief: the platforms and exports behind it here, or which exports would feed it."""
    lines = []
    for c in coverage:
        if c.state == FED:
            platforms = ", ".join(model.platform_label(p) for p in c.platforms)
            formats = ", ".join(_format_label(f) for f in c.formats)
            lines.append(f"- **{c.title}**: {platforms} ({c.rows:,} rows) · from {formats}")
        elif c.state == OUTSIDE:
            lines.append(
                f"- **{c.title}**: no data in this selection; other dates or filters hold some "
                "(widen the period or clear a filter)."
            )
        else:
            lines.append(f"- **{c.title}**: no data yet; fed by {c.fed_by}.")
    st.markdown("\n".join(lines))
