"""Pilot pages: thin glue that resolves, checks permission, calls the domain, renders.

One module per resource (``coplan.pilots.urls`` routes to each): ``pilot`` (the pilot, its
services, providers and extensions), ``kpis`` (the monitoring framework), ``monitoring`` (the
dashboard and monthly returns), ``records`` (delivery records), ``uploads`` (bulk uploads),
``feedback``, ``issues`` and ``evaluations``; ``common`` holds the page context they share.
"""
