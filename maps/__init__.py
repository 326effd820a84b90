"""The offline, layered Leaflet map of the incidents."""

from maps.render import render_map

__all__ = ["render_map"]
