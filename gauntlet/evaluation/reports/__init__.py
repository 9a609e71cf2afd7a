"""Reports of a suite run: JUnit XML for CI systems and a self-contained HTML page.

* :func:`write_junit` — one ``<testsuite>`` per category, one ``<testcase>`` per scenario.
* :func:`write_html_report` — ``report.html`` with summary, scores, filters and plots.
* :func:`ego_timeseries` — the ego's speed, acceleration and time to collision from a trace.
"""

from gauntlet.evaluation.reports.html import write_html_report
from gauntlet.evaluation.reports.junit import junit_xsd, write_junit
from gauntlet.evaluation.reports.timeseries import EgoTimeseries, ego_timeseries, time_to_collision

__all__ = [
    "EgoTimeseries",
    "ego_timeseries",
    "junit_xsd",
    "time_to_collision",
    "write_html_report",
    "write_junit",
]
