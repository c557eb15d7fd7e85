"""SQL text holds canonical names and escaped constants only; anything else is refused."""

from __future__ import annotations

import duckdb
import pytest

from vmdash import model
from vmdash.ingest import pipeline
from vmdash.sql import UnknownIdentifier, alias, ident, idents, literal


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


@pytest.mark.parametrize("name", ["view_rate", "view_rate__coverage", "rate1", "group"])
def test_a_result_name_of_plain_lowercase_words_is_quoted(name):
    assert alias(name) == f'"{name}"'


@pytest.mark.parametrize("name", ['x" , (SELECT 1) AS "y', "View rate", "1rate", "", "a" * 64, "é"])
def test_a_result_name_that_could_break_out_is_refused(name):
    with pytest.raises(UnknownIdentifier):
        alias(name)
