"""A CSV whose headers already use vmdash's canonical names (also what `demo` writes)."""

from vmdash import model
from vmdash.ingest.spec import Field, Format

_KIND = {"DATE": "date", "BIGINT": "int", "DOUBLE": "number", "INTEGER": "int"}


def _field(column: model.Column) -> Field:
    if column.name in ("platform", "channel", "objective"):
        kind = column.name
    else:
        kind = _KIND.get(column.sql_type, "text")
    return Field(column.name, (column.name,), (), kind, required=column.name == "platform")


_FIELDS = {c.name: _field(c) for c in model.FACT_COLUMNS if c.name != "import_id"}


def canonical_field(name: str) -> Field:
    """The field reading canonical column `name` (its kind decides how cells parse)."""
    return _FIELDS[name]


CANONICAL = Format(
    name="canonical_csv",
    label="vmdash canonical CSV",
    fields=tuple(_FIELDS.values()),
    derived={"date_end": "coalesce(date_end, date)"},
)

FORMATS = (CANONICAL,)
