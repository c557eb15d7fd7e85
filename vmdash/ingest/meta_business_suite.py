"""Meta Business Suite (organic): Facebook and Instagram post and video exports, and daily account series.

Not Ads Manager: no campaigns or spend. Post exports give one row per post, usually for
the whole period the file name states (`Date` = `Lifetime`); images, carousels and links
are left out (they are no videos) and the report counts them.
"""

from vmdash.ingest.spec import Field, Format
from vmdash.sql import literal

# Post types that are not videos (Facebook: Photos, Links, Status; Instagram: IG image, IG carousel).
_NOT_VIDEO = "image|photo|carousel|link|status|text|album|story image"

POSTS = Format(
    name="meta_business_suite_posts",
    label="Meta Business Suite (posts and videos)",
    platform="facebook",
    channel="social",
    fields=(
        Field("video_id", ("Post ID",), (), "text", required=True),
        Field("_ig_account", ("Account username",), (), "text"),
        Field("_title", ("Title",), (), "text"),
        Field("_description", ("Description",), (), "text"),
        Field("video_duration_s", ("Duration (sec)",), (), "number"),
        Field("published_at", ("Publish time",), (), "date", required=True),
        Field("_permalink", ("Permalink",), (), "text"),
        Field("_post_type", ("Post type",), (), "text"),
        # The row's day when the export is by day; 'Lifetime' (the usual) is the file name's period.
        Field("_date", ("Date",), (), "date"),
        Field("views", ("Views",), (), "int", required=True),
        Field("reach", ("Reach",), (), "int"),
        Field("likes", ("Likes", "Reactions"), (), "int"),
        Field("shares", ("Shares",), (), "int"),
        Field("subscribers_gained", ("Follows",), (), "int"),
        Field("comments", ("Comments",), (), "int"),
        Field("saves", ("Saves",), (), "int"),
        Field("views_3s", ("3-second video views",), (), "int"),
        Field("watch_time_s", ("Seconds viewed",), (), "number"),
    ),
    derived={
        # Instagram rows carry an account username and 'IG ...' post types; Facebook ones a page name.
        "platform": (
            "CASE WHEN starts_with(lower(coalesce(_post_type, '')), 'ig') OR _ig_account IS NOT NULL "
            "THEN 'instagram' ELSE 'facebook' END"
        ),
        "video_title": "coalesce(_title, left(_description, 200))",
        "date": "_date",
        "date_end": "_date",
    },
    keep=(
        f"NOT regexp_matches(lower(coalesce(_post_type, '')), {literal(_NOT_VIDEO)})",
        "_post_type",
        "posts that are not videos",
    ),
    note=(
        "Organic posts for their own day, or the period in the file name ('Lifetime' rows); "
        "images, carousels and links left out."
    ),
)

DAILY_SERIES = Format(
    name="meta_business_suite_daily",
    label="Meta Business Suite (daily account views)",
    platform="meta",
    channel="social",
    fields=(
        Field("date", ("Date",), (), "date", required=True),
        Field("views", ("Primary",), (), "int", required=True),
    ),
    exact=True,
    title=r"^views?$|^vues$",
    derived={"date_end": "date"},
    account=True,
    note="The account's daily views (a 'Views' title line above 'Date, Primary').",
)

FORMATS = (POSTS, DAILY_SERIES)
