"""The HTML report and its figures."""

from innoscope.report.html import build_report, report_figures

__all__ = ["build_report", "report_figures"]
