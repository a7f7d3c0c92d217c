"""The body atlas: drawings of the body as data (views/), placed by anatomy, drawn as SVG.

`geometry` holds the outlines, `views` reads the view files and places points on them, `labels`
lays out text (sized by `fontwidths`), `svg` draws, and `closeups` zooms where points crowd.
"""

from . import closeups
from .svg import Window, base, on_picture, overlay, quiz, quiz_boxes, quiz_size, span
from .views import VIEWS, PlacementError, Position, inside_body, place
from .views import read as read_views

__all__ = ["VIEWS", "PlacementError", "Position", "Window", "base", "closeups", "inside_body", "on_picture",
           "overlay", "place", "quiz", "quiz_boxes", "quiz_size", "read_views", "span"]
