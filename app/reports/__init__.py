"""Reports: counts, exports, the dashboard, the stock forecast and the donor report."""
