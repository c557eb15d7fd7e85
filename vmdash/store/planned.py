"""How stored plans give fact rows their objective and channel, at write time.

The rollup groups by objective and channel and its 'day' grain holds no video key, so a plan
cannot be joined at query time: its objective and channel are written onto the rows it covers.
What the import derived (the file's column, campaign-name tokens, platform defaults) is kept
in `rule_objective` / `rule_channel` while a plan applies, NULL otherwise, so that removing or
changing a plan restores or re-applies exactly.

Which plan wins: a video plan (key `coalesce(video_id, ad)`) beats a campaign plan (key
`campaign`); a field the video plan leaves empty (its channels) falls through to the campaign
plan, then to the rule.

Several channels: a plan may list more than one channel (a video made for social and SEO). A
row keeps the channel its import derived when the plan lists it, and otherwise takes the
plan's first listed channel. So a YouTube video planned "social, seo" counts its organic rows
as social, and a row the rules put on another channel counts under the plan's first channel;
no row is ever counted twice.
"""

from __future__ import annotations

from typing import Any

from vmdash.filters import VIDEO_KEY_SQL


def _channel_sql(current: str) -> str:
    """The channel a row takes from plan `p`, given the channel its rule derived (`current`, SQL)."""
    listed = "string_split(p.channels, ',')"
    return (
        f"CASE WHEN p.channels IS NULL OR p.channels = '' THEN t.channel "
        f"WHEN list_contains({listed}, {current}) THEN {current} ELSE {listed}[1] END"
    )


def apply_plans(con: Any, table: str = "facts", scope: str = "TRUE", params: dict[str, Any] | None = None) -> None:
    """Give the rows of `table` that `scope` keeps the objective and channel their plans say, in the caller's transaction.

    `table` is `facts` or an import's staged table (which has the rule_* columns); `scope`
    is a condition on its rows (bare column names, none that `plans` also has: objective,
    key, owner...), `params` its bound parameters.
    Rows first get back what their rules derived, then campaign plans apply, then video plans.
    """
    params = dict(params or {})
    rule_obj, rule_ch = "coalesce(t.rule_objective, t.objective)", "coalesce(t.rule_channel, t.channel)"
    where = f"({scope})"
    con.execute(
        f"UPDATE {table} SET objective = rule_objective, channel = rule_channel, "
        f"rule_objective = NULL, rule_channel = NULL WHERE rule_objective IS NOT NULL AND {where}",
        params or None,
    )
    for kind in ("campaign", "video"):
        row_key = 't."campaign"' if kind == "campaign" else 'coalesce(t."video_id", t."ad")'
        con.execute(
            f"""UPDATE {table} AS t SET rule_objective = {rule_obj}, rule_channel = {rule_ch},
                objective = p.objective, channel = {_channel_sql(rule_ch)}
            FROM plans AS p
            WHERE p.kind = '{kind}' AND p.key = {row_key} AND {where}""",
            params or None,
        )


def plan_scope(videos: list[str], campaigns: list[str]) -> tuple[str, dict[str, Any]]:
    """The rows a change to these video and campaign plans can affect, as (condition, parameters)."""
    return (
        f'(list_contains($plan_videos, {VIDEO_KEY_SQL}) OR list_contains($plan_campaigns, "campaign"))',
        {"plan_videos": list(videos), "plan_campaigns": list(campaigns)},
    )
