"""Text limits shared by several assessment models."""

DETAIL_MAX = 1000
REASON_MAX = 1000
