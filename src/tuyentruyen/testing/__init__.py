"""Testing kit: hypothesis strategies for plans and event sequences.

Needs the ``testing`` extra: ``pip install tuyentruyen[testing]``.
"""

from tuyentruyen.testing import strategies

__all__ = ["strategies"]
