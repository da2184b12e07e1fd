"""The partner API's views: each checks the request's shape and calls one service or selector."""

from .check import AccreditationCheckView
from .dashboard import DashboardView
from .docs import api_docs
from .results import SittingResultsView
from .staff import StaffView

__all__ = [
    "AccreditationCheckView",
    "DashboardView",
    "SittingResultsView",
    "StaffView",
    "api_docs",
]
