"""Options as the pages show them, for tests that pick one through a widget or a URL parameter."""

from __future__ import annotations

from vmdash import metrics

# The Test & learn KPI select lists each KPI as "label (objective)".
CTR_OPTION = f"{metrics.get('ctr').label} ({metrics.get('ctr').objective})"
