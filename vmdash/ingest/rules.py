"""Objective rules: campaign-name tokens (`_AWA_`, `_CONV_`) that give rows their business objective.

They fill the objective of rows whose export carries none, at import time, first
matching rule (by position) wins. Editing them changes later imports; rows
already imported keep the objective they were given (re-import a file to apply
new rules to it).
"""

from __future__ import annotations

from collections.abc import Sequence

from vmdash import model, roles
from vmdash.errors import Empty, InvalidChoice, TooLong, WrongKind
from vmdash.store import Store

MAX_TOKEN = 40


def objective_rules(store: Store) -> list[tuple[str, str]]:
    """(token, objective) pairs in the order they are tried."""
    return [(t, o) for t, o in store.rows("SELECT token, objective FROM objective_rules ORDER BY position")]


def save_objective_rules(store: Store, role: str, rules: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Replace the rules (analysts only); blank rows are dropped, a bad one refuses the whole set."""
    roles.require_analyst(role, "edit objective rules")
    clean: list[tuple[str, str]] = []
    for token, objective in rules:
        token = "" if token is None else str(token).strip()
        if not token and not objective:
            continue
        if not token:
            raise Empty("rule's token")
        if len(token) > MAX_TOKEN:
            raise TooLong("rule's token", len(token), MAX_TOKEN)
        if not token.isprintable():
            raise WrongKind("rule's token", token, "printable characters")
        if objective not in model.OBJECTIVES or objective == "unassigned":
            raise InvalidChoice("objective", str(objective), model.OBJECTIVES[:4])
        clean.append((token, objective))
    with store.transaction() as tx:
        tx.execute("DELETE FROM objective_rules")
        for position, (token, objective) in enumerate(clean):
            tx.execute("INSERT INTO objective_rules VALUES ($p, $t, $o)", {"p": position, "t": token, "o": objective})
    return clean
