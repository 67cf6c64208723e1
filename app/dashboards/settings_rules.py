"""The merchant's Orbit settings (kept in Shop.settings): defaults, input rules, and where each
lives in that JSON, which other modules read:

- "tag_prefix": top level (app/push reads it; segments store bare tag names and the push
  writes prefix + name, so a new prefix swaps Orbit's tags on the next push);
- "shopify_segments": top level, true/false (app/push/segment_sync mirrors each pushed segment
  as a Shopify segment when it is on);
- "analytics": {"local_radius_km", "store_locations": [{"name", "latitude", "longitude"}]}
  (the analytics' distance facts and the local-customers segment read them).

Which segments push is a property of each segment (the segments API), not a setting here.
"""

from __future__ import annotations

import math
from typing import Any

DEFAULT_TAG_PREFIX = "orbit:"
DEFAULT_LOCAL_RADIUS_KM = 40.0  # about 25 miles, the seed store's own example
TAG_PREFIX_MAX = 40  # Shopify allows 255 characters per tag; leave room for the segment name
MAX_LOCATIONS = 50


class SettingsInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def effective_settings(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The form's flat view of the stored settings, with defaults filled in."""
    stored = stored or {}
    analytics = stored.get("analytics") or {}
    return {
        "tag_prefix": stored.get("tag_prefix") or DEFAULT_TAG_PREFIX,
        "shopify_segments": bool(stored.get("shopify_segments")),
        "store_locations": list(analytics.get("store_locations") or []),
        "local_radius_km": float(analytics.get("local_radius_km") or DEFAULT_LOCAL_RADIUS_KM),
    }


def stored_settings(current: dict[str, Any] | None, form: dict[str, Any]) -> dict[str, Any]:
    """The stored JSON with the form's values in place; keys other modules keep survive."""
    current = dict(current or {})
    analytics = dict(current.get("analytics") or {})
    analytics["store_locations"] = form["store_locations"]
    analytics["local_radius_km"] = form["local_radius_km"]
    return {
        **current,
        "tag_prefix": form["tag_prefix"],
        "shopify_segments": bool(form.get("shopify_segments", current.get("shopify_segments", False))),
        "analytics": analytics,
    }


def tag_prefix_error(prefix: Any) -> str | None:
    if not isinstance(prefix, str) or not prefix.strip():
        return "enter a prefix, such as orbit:"
    if prefix != prefix.strip():
        return "remove the spaces at the start or end"
    if len(prefix) > TAG_PREFIX_MAX:
        return f"keep it to {TAG_PREFIX_MAX} characters or fewer"
    if "," in prefix:
        return "Shopify separates tags with commas, so a prefix cannot contain one"
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def location_errors(location: Any) -> dict[str, str]:
    if not isinstance(location, dict):
        return {"name": "expected a location with a name, latitude and longitude"}
    errors = {}
    name = location.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        errors["name"] = "give the location a name (up to 100 characters)"
    latitude, longitude = _number(location.get("latitude")), _number(location.get("longitude"))
    if latitude is None or not -90 <= latitude <= 90:
        errors["latitude"] = "latitude is a number from -90 to 90"
    if longitude is None or not -180 <= longitude <= 180:
        errors["longitude"] = "longitude is a number from -180 to 180"
    return errors


def parse_settings(data: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    """The form's new values (the current ones with the fields given replaced), or SettingsInvalid."""
    if not isinstance(data, dict):
        raise SettingsInvalid({"body": "expected a JSON object"})
    result = effective_settings(current)
    errors: dict[str, str] = {}
    if "tag_prefix" in data:
        if message := tag_prefix_error(data["tag_prefix"]):
            errors["tag_prefix"] = message
        else:
            result["tag_prefix"] = data["tag_prefix"]
    if "shopify_segments" in data:
        if not isinstance(data["shopify_segments"], bool):
            errors["shopify_segments"] = "expected true or false"
        else:
            result["shopify_segments"] = data["shopify_segments"]
    if "local_radius_km" in data:
        radius = _number(data["local_radius_km"])
        if radius is None or not 0 < radius <= 1000:
            errors["local_radius_km"] = "distance is a number of kilometres from 0 to 1,000"
        else:
            result["local_radius_km"] = radius
    if "store_locations" in data:
        locations = data["store_locations"]
        if not isinstance(locations, list) or len(locations) > MAX_LOCATIONS:
            errors["store_locations"] = f"expected a list of up to {MAX_LOCATIONS} locations"
        else:
            for index, location in enumerate(locations):
                for field, message in location_errors(location).items():
                    errors[f"store_locations.{index}.{field}"] = message
            if not any(key.startswith("store_locations") for key in errors):
                result["store_locations"] = [
                    {
                        "name": location["name"].strip(),
                        "latitude": float(location["latitude"]),
                        "longitude": float(location["longitude"]),
                    }
                    for location in locations
                ]
    unknown = set(data) - {"tag_prefix", "shopify_segments", "local_radius_km", "store_locations"}
    for field in sorted(unknown):
        errors[field] = "not a setting Orbit knows"
    if errors:
        raise SettingsInvalid(errors)
    return result
