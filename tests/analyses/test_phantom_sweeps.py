"""The sweep pages' shared pieces: where intervals separate the curves, and the figure that marks it."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd

from compendium.analyses import phantom_sweeps


def frame():
    # panel 1, x = 4: three lines, one pair overlapping; x = 8: three disjoint intervals given out of order
    return pd.DataFrame({
        "panel": [1] * 6, "x": [4, 4, 4, 8, 8, 8], "line": ["a", "b", "c"] * 2,
        "y": [0.6, 0.65, 0.9, 0.8, 0.6, 0.95],
        "y low": [0.5, 0.55, 0.85, 0.75, 0.5, 0.9],
        "y high": [0.7, 0.75, 0.95, 0.85, 0.7, 0.99],
    })


def test_all_pairs_must_be_disjoint_whatever_the_order_of_the_lines():
    result = phantom_sweeps.separated_points(frame(), "x", "y", "line", "panel")
    assert result.to_dict("list") == {"panel": [1, 1], "x": [4, 8], "separated": [False, True]}
    touching = frame().assign(**{"y low": [0.5, 0.7, 0.85, 0.75, 0.5, 0.85]})  # b starts where a ends
    assert not phantom_sweeps.separated_points(touching, "x", "y", "line", "panel")["separated"].any()


def test_figure_fills_exactly_the_separated_points():
    fig = phantom_sweeps.interval_figure(frame(), "x", "y", "line", "panel", xlabel="x", ylabel="y")
    (ax,) = fig.axes
    filled = [[tuple(face) != (1.0, 1.0, 1.0, 1.0) for face in c.get_facecolors()] for c in ax.collections
              if c.get_offsets().shape == (2, 2)]
    assert filled == [[False, True]] * 3


def test_intervals_apart_only_beyond_the_printed_decimals_are_not_separated():
    # AUCs at the ceiling: 0.99997 to 0.999998 and 1.0 to 1.0 both print as 1.000 to 1.000
    ceiling = pd.DataFrame({"panel": [1, 1], "x": [20, 20], "line": ["a", "b"], "y": [1.0, 1.0],
                            "y low": [0.99997, 1.0], "y high": [0.999998, 1.0]})
    assert not phantom_sweeps.separated_points(ceiling, "x", "y", "line", "panel")["separated"].item()
    assert phantom_sweeps.separated_points(ceiling, "x", "y", "line", "panel", decimals=6)["separated"].item()
