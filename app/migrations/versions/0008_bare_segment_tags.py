"""segments.tag holds the bare tag name (`vip`), not `orbit:vip`

Until now built-in and custom segments stored their tag with a hard-coded `orbit:` in front,
while the push added the shop's configurable prefix, so a shop with the prefix `crm-` got
`crm-orbit:vip`. From here the push derives the tag as the shop's prefix + the bare name.
Every stored tag was written with `orbit:`, so stripping it is exact. What Orbit already
pushed stays in `tag_sync.pushed` as written; the next push diffs against it.

Revision ID: 0008_bare_segment_tags
Revises: 0003_analytics
"""

from __future__ import annotations

from alembic import op

revision = "0008_bare_segment_tags"
down_revision = "0003_analytics"
branch_labels = None
depends_on = None

OLD_PREFIX = "orbit:"


def upgrade() -> None:
    op.execute(
        f"UPDATE segments SET tag = substr(tag, {len(OLD_PREFIX) + 1}) "
        f"WHERE substr(tag, 1, {len(OLD_PREFIX)}) = '{OLD_PREFIX}'"
    )


def downgrade() -> None:
    op.execute(f"UPDATE segments SET tag = '{OLD_PREFIX}' || tag")
