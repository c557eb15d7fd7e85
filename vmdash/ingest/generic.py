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


CANONICAL = Format(
    name="canonical_csv",
    label="vmdash canonical CSV",
    fields=tuple(_field(c) for c in model.FACT_COLUMNS if c.name != "import_id"),
    derived={"date_end": "coalesce(date_end, date)"},
)

FORMATS = (CANONICAL,)
