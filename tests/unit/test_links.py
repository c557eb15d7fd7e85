"""Every widget bound to the URL is registered in vmdash.links, so no control drops out of shared links."""

from __future__ import annotations

import ast
from pathlib import Path

from vmdash import filters, links, share

ROOT = Path(__file__).resolve().parents[2]
# Bound widgets whose key is computed: tests/app/test_bound_widgets.py checks them as the app runs.
COMPUTED_KEYS = {
    ("vmdash/ui/common.py", "flt.param"),
}


def _sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "vmdash").rglob("*.py"))]


def _bound_keys() -> list[tuple[str, int, ast.expr | None]]:
    """(file, line, key expression) of every call with bind="query-params"."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            kwargs = {k.arg: k.value for k in node.keywords}
            bind = kwargs.get("bind")
            if isinstance(bind, ast.Constant) and bind.value == "query-params":
                found.append((path.relative_to(ROOT).as_posix(), node.lineno, kwargs.get("key")))
    return found


def _registered(key: ast.expr | None) -> bool:
    if isinstance(key, ast.Constant):
        return key.value in links.BY_KEY
    # links.NAME.key
    if (
        isinstance(key, ast.Attribute)
        and key.attr == "key"
        and isinstance(key.value, ast.Attribute)
        and isinstance(key.value.value, ast.Name)
        and key.value.value.id == "links"
    ):
        return getattr(links, key.value.attr, None) in links.PARAMS
    # links.TABLE[...].key, a table of registered parameters
    if (
        isinstance(key, ast.Attribute)
        and key.attr == "key"
        and isinstance(key.value, ast.Subscript)
        and isinstance(key.value.value, ast.Attribute)
        and isinstance(key.value.value.value, ast.Name)
        and key.value.value.value.id == "links"
    ):
        table = getattr(links, key.value.value.attr, None)
        return isinstance(table, dict) and bool(table) and all(p in links.PARAMS for p in table.values())
    return False


def test_every_bound_widget_in_the_source_has_a_registered_key():
    found = _bound_keys()
    assert len(found) >= 10  # the scan does see the app's bound widgets
    unregistered = [
        f"{path}:{line}: key={ast.unparse(key) if key is not None else None}"
        for path, line, key in found
        if not _registered(key) and (path, ast.unparse(key) if key is not None else "") not in COMPUTED_KEYS
    ]
    assert unregistered == [], "register these URL parameters in vmdash/links.py"


def test_the_scan_refuses_an_unregistered_key():
    call = ast.parse('st.selectbox("X", [], key="not_registered", bind="query-params")').body[0].value
    assert not _registered(call.keywords[1].value)
    call = ast.parse('st.selectbox("X", [], key=links.NOPE.key, bind="query-params")').body[0].value
    assert not _registered(call.keywords[1].value)
    assert _registered(ast.parse("links.KPI.key").body[0].value)
    assert _registered(ast.parse("links.TEST_VARIANTS[kind].key").body[0].value)
    assert not _registered(ast.parse("links.BY_KEY[kind].words").body[0].value)


def test_the_registry_is_one_list_of_unique_parameters():
    keys = [p.key for p in links.PARAMS]
    assert len(keys) == len(set(keys))
    assert [p.key for p in links.FILTER_PARAMS] == [f.param for f in filters.FILTERS]
    assert {p.key: p.words for p in links.PARAMS} == share.PARAMS
    assert not set(share.PARAMS) & share.STREAMLIT_PARAMS
    for p in links.PARAMS:
        assert p.page is None or (ROOT / p.page).is_file()
