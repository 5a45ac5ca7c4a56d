"""The golden thread in the tendering app's evidence pack (page and PDF).

The tendering app may not import this one, so this module registers a section with its
registry (``coplan.tendering.evidence``) when the app is ready. Every bidder reads the pack, so
the thread is built as a reader outside the partnership sees it: nothing internal-only counts,
and no other draft tender. The tender's own requirements and criteria count even while it is a
draft: they are what will be published with it.
"""

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from coplan.tendering.evidence import register_section

from . import thread


def golden_thread(tender) -> str:
    """The summary of the tender's partnership's golden thread: how many of each kind of link
    (insights, requirements, KPIs, benefit requirements…) and which links are broken."""
    threads = thread.summaries([tender.partnership], AnonymousUser(), tenders=[tender])
    if not any(counts for _, counts, _ in threads):
        return ""
    return render_to_string("benefits/_thread_summary.html", {"threads": threads})


register_section("golden_thread", order=50, render=golden_thread)
