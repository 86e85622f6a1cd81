"""The pictures a child chooses their code from: each has a word too (icons always with words)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

PICTURES: dict[str, LazyString] = {
    "sun": _l("Sun"),
    "moon": _l("Moon"),
    "star": _l("Star"),
    "heart": _l("Heart"),
    "tree": _l("Tree"),
    "flower": _l("Flower"),
    "fish": _l("Fish"),
    "house": _l("House"),
    "ball": _l("Ball"),
    "car": _l("Car"),
    "apple": _l("Apple"),
    "boat": _l("Boat"),
}

# Each picture's drawing in static/: the same on the child's unlock page and the staff page where
# the code is chosen, so the child chooses what they will later tap.
PICTURE_FILES: dict[str, str] = {key: f"img/pictures/{key}.svg" for key in PICTURES}
