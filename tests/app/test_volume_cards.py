"""Headline volume cards: a value fits its card, and nothing of it is lost."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _cards() -> None:
    from vmdash.queries.overview import Volume
    from vmdash.ui.overview import volume_cards

    volume_cards(
        (
            Volume("spend", "Spend", 111_100_383.21, None, ()),
            Volume("impressions", "Impressions", 14_830_000_000, None, ()),
        ),
        ["meta"],
        "EUR",
    )


def test_a_spend_of_millions_reads_compact_on_its_card_and_exact_in_its_help():
    at = AppTest.from_function(_cards, default_timeout=30).run()
    assert not at.exception
    spend = next(m for m in at.metric if m.label == "Spend")
    # Written out with its cents ("111,100,383.21 €") it was cut off on a card four to a row.
    assert spend.value == "111.10 M €"
    assert "Exactly 111,100,383.21 €." in spend.proto.help
    assert next(m.value for m in at.metric if m.label == "Impressions") == "14.83 B"


def test_a_spend_under_a_million_keeps_its_cents():
    from vmdash.queries.overview import Volume
    from vmdash.ui.overview import _shown

    assert _shown(Volume("spend", "Spend", 999_999.5, None, ()), "EUR") == "999,999.50 €"
    assert _shown(Volume("spend", "Spend", 2_500_000, None, ()), None) == "2.50 M"
    assert _shown(Volume("spend", "Spend", 3e13, None, ()), "EUR") == "3e+13 €"
