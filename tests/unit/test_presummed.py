"""Summing facts first (queries.presummed) gives every KPI exactly its value on the facts."""

from __future__ import annotations

import math

import pytest

from vmdash import metrics, queries
from vmdash.filters import FilterState


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_each_kpi_and_its_coverage_read_the_same_on_presummed_rows(sample_store, metric):
    exprs = f"platform, {metric.sql()} AS v, {metric.coverage_sql()} AS c"
    direct = sample_store.rows(f"SELECT {exprs} FROM active_facts GROUP BY platform ORDER BY platform")  # noqa: S608
    pre = queries.presummed([('"platform"', "platform")], FilterState(), metric.measures)
    summed = sample_store.rows(f"SELECT {exprs} FROM ({pre}) GROUP BY platform ORDER BY platform")  # noqa: S608
    assert len(direct) > 3
    assert [r[0] for r in direct] == [r[0] for r in summed]
    for d, s in zip(direct, summed, strict=True):
        assert _same(d[1], s[1]) and _same(d[2], s[2]), (metric.name, d, s)


def test_presummed_rows_are_far_fewer_and_count_every_fact(sample_store):
    facts = sample_store.scalar("SELECT count(*) FROM active_facts")
    pre = queries.presummed([('"platform"', "platform")], FilterState())
    rows, behind = sample_store.rows(f"SELECT count(*), sum(_rows) FROM ({pre})")[0]  # noqa: S608
    assert behind == facts
    assert rows < facts
