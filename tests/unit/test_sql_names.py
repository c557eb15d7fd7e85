"""SQL text holds canonical names and escaped constants only; anything else is refused."""

from __future__ import annotations

import duckdb
import pytest

from vmdash import model
from vmdash.ingest import pipeline
from vmdash.sql import UnknownIdentifier, ident, idents, literal


def test_every_canonical_column_quotes_as_itself():
    for name in (*model.DIMENSION_NAMES, *model.MEASURE_NAMES):
        assert ident(name) == f'"{name}"'
    assert idents(["date", "views"]) == '"date", "views"'


@pytest.mark.parametrize("name", ['views" ; DROP TABLE facts; --', "Views", "", "import_id2", 'a"b'])
def test_a_name_outside_the_model_is_refused_naming_it(name):
    with pytest.raises(UnknownIdentifier, match="not a column vmdash knows"):
        ident(name)


@pytest.mark.parametrize("text", ["plain", "l'objectif", "''", "a\\b", "x' OR '1'='1", "émoji 🎬"])
def test_a_literal_reads_back_as_the_same_text(text):
    assert duckdb.sql(f"SELECT {literal(text)}").fetchone()[0] == text


def test_a_literal_refuses_a_nul():
    with pytest.raises(ValueError, match="NUL"):
        literal("a\x00b")


def test_platform_objectives_keep_every_key_even_with_a_quote(monkeypatch):
    monkeypatch.setattr(
        model, "PLATFORM_OBJECTIVES", {**model.PLATFORM_OBJECTIVES, "Notoriété d'une marque": "awareness"}
    )
    folded = pipeline._folded_platform_objectives()
    assert folded["notoriete d'une marque"] == "awareness"
