"""Colours of the charts: one distinct colour for every category a chart shows.

The first eight are the Okabe–Ito colours, chosen to stay distinguishable with the common colour-vision
deficiencies [1]_; the next eight are from Paul Tol's "muted" and "dark" qualitative schemes [2]_, ordered so that
each new one is far (in CIELAB) from all before it. Sixteen colours cover the 12 themes of the codebook and the
agency types; a chart with more categories than that repeats colours, so :func:`colours` raises instead of
returning a repeated colour silently.

References
----------
.. [1] M. Okabe, K. Ito, "Color Universal Design (CUD): How to make figures and presentations that are friendly to
   colorblind people" (2008), https://jfly.uni-koeln.de/color/
.. [2] P. Tol, "Colour Schemes", SRON/EPS/TN/09-002 (2021), https://personal.sron.nl/~pault/
"""
from __future__ import annotations

import math

__all__ = ["PALETTE", "AGENCY_TYPE_COLOURS", "FALLBACK_COLOUR", "colours", "lab", "delta_e"]

#: The qualitative palette, in the order colours are given out (``layout.colorway`` of every chart).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue (Okabe–Ito)
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
    "#882255",  # wine (Tol muted)
    "#999933",  # olive
    "#332288",  # indigo
    "#AA4499",  # purple
    "#117733",  # green
    "#DDCC77",  # sand
    "#888888",  # grey
    "#661100",  # brown (Tol dark)
)

#: Fixed colour for each agency type (colour-blind-safe Okabe–Ito hues first), in the network charts and the GEXF
#: export alike; unlisted types get :data:`FALLBACK_COLOUR`.
AGENCY_TYPE_COLOURS: dict[str, str] = {
    "state_department": "#0072B2",
    "party": "#D55E00",
    "media": "#009E73",
    "armed_forces_police": "#56B4E9",
    "mass_organisation": "#E69F00",
    "central": "#CC79A7",
    "central_agency": "#CC79A7",
    "state_government": "#332288",
    "district": "#F0E442",
    "collective": "#999999",
    "unknown": "#BBBBBB",
}
FALLBACK_COLOUR = "#BBBBBB"


def colours(n: int) -> list[str]:
    """The first *n* colours of :data:`PALETTE`, all different.

    Parameters
    ----------
    n : int
        Categories to colour.

    Returns
    -------
    list of str
        Hex colours.

    Raises
    ------
    ValueError
        When *n* is more than the palette holds (a chart of that many categories needs another encoding).

    Examples
    --------
    >>> len(set(colours(12)))
    12
    >>> colours(0)
    []
    """
    if n > len(PALETTE):
        raise ValueError(f"{n} categories, but the palette has {len(PALETTE)} distinct colours")
    return list(PALETTE[:max(0, n)])


def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) coordinates of a ``#RRGGBB`` colour.

    Examples
    --------
    >>> [round(v) for v in lab("#FFFFFF")]
    [100, 0, 0]
    """
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: str, b: str) -> float:
    """CIE76 colour difference of two ``#RRGGBB`` colours (about 2.3 is the smallest difference one sees).

    Examples
    --------
    >>> delta_e("#000000", "#000000"), round(delta_e("#000000", "#FFFFFF"))
    (0.0, 100)
    """
    return math.dist(lab(a), lab(b))
