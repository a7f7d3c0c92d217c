"""The body atlas: drawings of the body as data (views/), placed by anatomy, drawn as SVG.

`geometry` holds the outlines, `views` reads the view files and places points on them, `labels`
lays out text, and `svg` draws.
"""

from .svg import base, overlay, quiz, quiz_boxes, quiz_size, span
from .views import VIEWS, PlacementError, Position, inside_body, place
from .views import read as read_views

__all__ = ["VIEWS", "PlacementError", "Position", "base", "inside_body", "overlay", "place", "quiz",
           "quiz_boxes", "quiz_size", "read_views", "span"]
