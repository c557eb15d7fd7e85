"""A cost KPI says how much spend it leaves out: rows whose results are masked ('<5') or blank.

Meta Ads Manager's sample (data/samples/meta_ads_manager.csv) leaves Purchases blank on 5 of
its 48 rows: 2,202.85 € of its 58,535.28 € of spend; the other rows count 2,580 purchases.
Every one of those rows reports its impressions. The same file with '<5' in those cells must
read the same.
"""

from __future__ import annotations

import csv

import pytest

from vmdash import metrics, queries
from vmdash.filters import FilterState
from vmdash.ingest import Upload, import_files

META = FilterState(platforms=("facebook", "instagram"))


@pytest.fixture(params=["blank", "<5"])
def meta(request, store, samples, tmp_path):
    source = samples / "meta_ads_manager.csv"
    if request.param == "<5":
        rows = list(csv.reader(source.open(encoding="utf-8", newline="")))
        at = rows[0].index("Purchases")
        for row in rows[1:]:
            row[at] = row[at] or "<5"
        source = tmp_path / "meta_masked.csv"
        with source.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    import_files(store, [Upload(source, "meta.csv")])
    return store


def test_cpa_reports_the_share_of_spend_it_leaves_out(meta):
    got = queries.kpis(meta, ("cpa", "cpm"), META)
    cpa = got["cpa"]
    assert cpa.value == pytest.approx((58535.28 - 2202.85) / 2580)
    # Was 1.0: the coverage counted conversions, and blank conversions have none to count.
    assert cpa.coverage == pytest.approx((58535.28 - 2202.85) / 58535.28)
    assert got["cpm"].coverage == pytest.approx(1.0)


def test_the_card_says_how_much_spend_is_left_out_and_why():
    note = metrics.get("cpa").coverage_note((58535.28 - 2202.85) / 58535.28)
    assert note == "Based on 96 % of spend: the rest does not report conversions (blank, or masked like '<5')."
    assert metrics.get("ctr").coverage_note(0.5) == "Based on 50 % of impressions: the rest does not report clicks."
    assert metrics.get("cpa").coverage_note(1.0) == ""
