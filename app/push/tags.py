"""Which tag changes to send: desired tags against what Orbit pushed, under Orbit's prefix.

Pure: plain data in, plain data out. Rules (DESIGN 6, PLATFORM 4.2):
- Segments store a bare tag name (`vip`); the tag written is the shop's prefix + that name,
  derived at push time, so changing the prefix changes every tag on the next push.
- Orbit removes only tags its own record says it pushed (whatever prefix they had then); a tag
  it never pushed is never removed, even one that starts with the prefix.
- Only differences are sent, as additions and removals (never the whole list).
- Shopify keeps at most 250 tags per customer and 255 characters per tag, and splits a tag at
  commas; what cannot be written is reported, not sent. When a customer's tag list is full,
  additions that do not fit are refused in a stable (sorted) order, after removals made room.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DEFAULT_PREFIX = "orbit:"
MAX_TAGS_PER_CUSTOMER = 250
MAX_TAG_LENGTH = 255


@dataclass(frozen=True)
class TagChange:
    customer_id: int
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.add) + len(self.remove)


@dataclass(frozen=True)
class Refusal:
    customer_id: int
    tag: str
    reason: str


@dataclass
class TagDiff:
    changes: list[TagChange] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def tag_changes(self) -> int:
        return sum(change.size for change in self.changes)


def effective_tag(name: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The tag as Orbit writes it: the shop's prefix + the segment's bare tag name. Always
    prefixed, even when the name happens to start with the prefix (a segment "CRM fans" under
    the prefix `crm-` is `crm-crm-fans`), so one name maps to one tag under every prefix."""
    return prefix + name.strip()


def is_owned(tag: str, prefix: str = DEFAULT_PREFIX) -> bool:
    return tag.startswith(prefix)


def tag_problem(tag: str) -> str | None:
    if len(tag) > MAX_TAG_LENGTH:
        return f"longer than {MAX_TAG_LENGTH} characters"
    if "," in tag:
        return "contains a comma (Shopify would split it)"
    return None


def diff_customer(
    customer_id: int,
    desired: Iterable[str],
    pushed: Iterable[str],
    current: Iterable[str] | None = None,
    prefix: str = DEFAULT_PREFIX,
) -> tuple[TagChange | None, list[Refusal]]:
    """One customer's change. `desired` holds bare tag names; `pushed` is Orbit's record of the
    tags it wrote. `current` is the customer's whole tag list as last seen (any owner), used to
    keep within 250 tags; None when unknown (then only Orbit's own count)."""
    refusals: list[Refusal] = []
    wanted: set[str] = set()
    for name in desired:
        tag = effective_tag(name, prefix)
        problem = tag_problem(tag)
        if problem:
            refusals.append(Refusal(customer_id, tag, problem))
        else:
            wanted.add(tag)
    # The record, not the prefix, says what is Orbit's: after a prefix change the old-prefix
    # tags Orbit wrote are removed, and a prefixed tag someone else wrote is left alone.
    mine = set(pushed)
    remove = sorted(mine - wanted)
    add = sorted(wanted - mine)
    mine_lower = {t.lower() for t in mine}
    others = {t.lower() for t in (current or ()) if t.lower() not in mine_lower}
    room = MAX_TAGS_PER_CUSTOMER - len(others) - (len(mine) - len(remove))
    if len(add) > room:
        kept, refused = add[: max(room, 0)], add[max(room, 0) :]
        refusals.extend(
            Refusal(customer_id, t, f"customer already has {MAX_TAGS_PER_CUSTOMER} tags") for t in refused
        )
        add = kept
    if not add and not remove:
        return None, refusals
    return TagChange(customer_id, tuple(add), tuple(remove)), refusals


def diff_tags(
    desired: Mapping[int, Iterable[str]],
    pushed: Mapping[int, Iterable[str]],
    current: Mapping[int, Iterable[str]] | None = None,
    prefix: str = DEFAULT_PREFIX,
) -> TagDiff:
    """Changes for every customer that has desired or pushed tags, in customer id order.
    `desired` maps customers to bare tag names, `pushed` to the tags Orbit wrote.

    A customer missing from `desired` wants none of Orbit's tags (they left every segment).
    """
    result = TagDiff()
    current = current or {}
    for customer_id in sorted(set(desired) | set(pushed)):
        change, refusals = diff_customer(
            customer_id,
            desired.get(customer_id, ()),
            pushed.get(customer_id, ()),
            current.get(customer_id),
            prefix,
        )
        result.refusals.extend(refusals)
        if change is not None:
            result.changes.append(change)
    return result


def is_echo(
    added: bool,
    tags: Iterable[str],
    pushed: Iterable[str],
    in_flight: Mapping[str, Iterable[str]] | None,
    prefix: str = DEFAULT_PREFIX,
) -> bool:
    """Whether a customer.tags_added (`added`) or tags_removed webhook only reports Orbit's
    own write, i.e. a state Orbit already believes in, so it must not start another push.

    Added: every tag is pushed or being pushed. Removed: every tag is being removed, or carries
    the prefix and is no longer pushed. The echo may arrive before or after the push records
    its outcome, hence both the recorded and the in-flight view. Orbit's record makes a tag
    Orbit's, so the echo of removing old-prefix tags after a prefix change is recognised too
    while it is in flight.
    """
    reported = {t.strip() for t in tags if t.strip()}
    if not reported:
        return False
    flight = in_flight or {}
    recorded = set(pushed)
    if added:
        return reported <= recorded | set(flight.get("add", ()))
    removing = set(flight.get("remove", ()))
    return all(t in removing or (is_owned(t, prefix) and t not in recorded) for t in reported)
