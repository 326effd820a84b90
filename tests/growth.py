"""Growth checks for hostile input: ten times the input must not take thirty times as long.

The CPU time of this process is compared between two sizes of the same crafted text, so
a reader that is linear passes on a slow or a loaded machine and a quadratic one (a
hundred times as long) fails on a fast one. A check of growth, not of speed: the suite
has no speed target. Each text is read once: readers keep what they found for a text
(the time scan does), so a second read of it would time nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: How much longer ten times the input may take: 10 for a linear reader, 100 for a
#: quadratic one.
LIMIT_RATIO = 30
#: Seconds of slack for runs too short to time (a few milliseconds).
SLACK_S = 0.05


def cpu_time(call: Callable[[], object]) -> float:
    """The CPU time of this process that ``call`` takes."""
    start = time.process_time()
    call()
    return time.process_time() - start


def assert_linear(
    read: Callable[[str], object], unit: str, count: int, *, prefix: str = "", suffix: str = ""
) -> None:
    """``read`` of ``prefix + unit * count + suffix`` takes less than :data:`LIMIT_RATIO`
    times what a tenth of the repetitions takes."""

    def text(repeats: int) -> str:
        return prefix + unit * repeats + suffix

    small_text, large_text = text(max(1, count // 10)), text(count)
    small = cpu_time(lambda: read(small_text))
    large = cpu_time(lambda: read(large_text))
    assert large < LIMIT_RATIO * small + SLACK_S, (
        f"{prefix[:20]!r} + {unit[:20]!r} x {count}: {small:.4f} s -> {large:.4f} s "
        "for ten times the input"
    )
