"""Service user representatives see no money (domain.md §3): a crawl of everything the demo's
service users can reach in their partnership — every page, every API answer, every CSV and
spreadsheet — finds no £, no figure of a KPI about money and no cost field with a value.

What a service user may not see is absent, and a page that leaves something out says
"Costs are not shown to your role." once. The public benefits page and its OCDS open data are
left out of the crawl: anyone may read them without signing in (a published tender's
estimated value and award value are public information).
"""

import io
import json
import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from coplan.core.models import User
from coplan.demo.story import NORTH_LANARKSHIRE, RENFREWSHIRE
from coplan.partnerships.enums import Role
from coplan.partnerships.models import Partnership

NOTICE = "Costs are not shown to your role."
READABLE = ("text/html", "application/json", "text/csv", "application/vnd.openxmlformats")
DOWNLOADS = (".pdf", ".ics", ".zip", ".docx", ".png", ".svg")  # binary: nothing to search
# Keys of a JSON answer that hold money whatever their value (a weight is not money).
MONEY_KEY = re.compile(
    r"cost|price|budget|amount|funding|spend|pence|gbp|contract_value|estimated_value"
    r"|investment|proxy|social_value|present_value",
    re.IGNORECASE,
)
# Keys that hold a figure: in an object whose unit is £ (a KPI about money), none may be set.
FIGURES = {"baseline", "target", "value", "latest", "to_date", "points", "condition_value"}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "hx-get") and value:
                self.hrefs.append(value)


def _page_seeds(pk: int) -> list[str]:
    """Every partnership page whose only argument is the partnership, so that a page nobody
    links to is visited too."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif (
                isinstance(p, URLPattern)
                and route.startswith("partnerships/<int:pk>/")
                and set(re.findall(r"<(?:\w+:)?(\w+)>", route)) == {"pk"}
            ):
                found.append("/" + route.replace("<int:pk>", str(pk)))

    walk(get_resolver().url_patterns)
    return found


def _api_seeds(client, pk: int) -> list[str]:
    """Every API GET under the partnership (from the OpenAPI document); an id in the path is
    filled with the first few ids of the list one level up."""
    schema = client.get("/api/v1/openapi.json").json()
    templates = [
        path.replace("{pk}", str(pk))
        for path, operations in schema["paths"].items()
        if "get" in operations and path.startswith("/api/v1/partnerships/{pk}")
    ]
    found = [t for t in templates if "{" not in t]
    for template in (t for t in templates if "{" in t):
        found += _filled(client, template)
    return found


def _filled(client, template: str) -> list[str]:
    """``template`` with its first id taken from the list one level up (a few of them, or a
    few of each kind for ``…/thread/{kind}/{item_id}``), then the next id, and so on."""
    head, name, tail = re.match(r"(.*?)\{(\w+)\}(.*)", template).groups()
    response = client.get(head.rstrip("/"))
    if response.status_code != 200:
        return []
    data = response.json()
    items = data if isinstance(data, list) else data.get("items", data.get("nodes", []))
    chosen = defaultdict(list)
    for item in (i for i in items if isinstance(i, dict)):
        if name == "kind":
            rest = re.sub(r"\{\w+\}", str(item["id"]), tail, count=1)
            chosen[item["kind"]].append(f"{head}{item['kind']}{rest}")
        elif (item.get("id") or item.get("uuid")) is not None:
            chosen[""].append(f"{head}{item.get('id') or item.get('uuid')}{tail}")
    found = []
    for url in (u for urls in chosen.values() for u in urls[:3]):
        found += _filled(client, url) if "{" in url else [url]
    return found


def _objects(data, path="$"):
    """Every JSON object in ``data`` with where it is."""
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from _objects(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _objects(value, f"{path}[{i}]")


def _set(value) -> bool:
    return value not in (None, "", [], {})


def _json_leaks(url: str, data) -> tuple[list[str], list[str]]:
    problems, links = [], []
    for where, obj in _objects(data):
        money_unit = "£" in str(obj.get("unit") or "")
        for key, value in obj.items():
            weight = "weight" in f"{where}.{key}".lower()  # weights.price: points, not pounds
            if MONEY_KEY.search(key) and not weight and _set(value):
                problems.append(f"{url} {where}.{key} = {value!r:.80}")
            if money_unit and key in FIGURES and _set(value):
                problems.append(f"{url} {where}.{key} = {value!r:.80} (its unit is £)")
            if isinstance(value, str):
                if "£" in value and key != "unit":  # a unit says what is counted, not how much
                    problems.append(f"{url} {where}.{key} = {value!r:.120}")
                if value.startswith("/"):
                    links.append(value)
    return problems, links


def _text_leaks(url: str, text: str) -> list[str]:
    problems = [
        f"{url} …{text[max(0, m.start() - 80) : m.end() + 40]}…".replace("\n", " ")
        for m in re.finditer("£", text)
    ]
    if text.count(NOTICE) > 1:
        problems.append(f"{url} says {NOTICE!r} {text.count(NOTICE)} times")
    return problems


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join(str(c) for c in row if c is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def _leaks(url: str, response) -> tuple[list[str], list[str]]:
    """Problems in one answer, and the links in it."""
    kind = response["Content-Type"]
    if kind.startswith("application/json"):
        return _json_leaks(url, json.loads(response.content))
    if kind.startswith("application/vnd.openxmlformats"):
        return _text_leaks(url, _xlsx_text(response.content)), []
    text = response.content.decode()
    links = []
    if kind.startswith("text/html"):
        parser = Links()
        parser.feed(text)
        links = parser.hrefs
    return _text_leaks(url, text), links


def crawl(client, pk: int) -> tuple[set[str], list[str]]:
    """Breadth-first through the partnership's pages and API from every seed, following links
    that stay in the partnership. Returns the addresses read and the problems found."""
    roots = (f"/partnerships/{pk}/", f"/api/v1/partnerships/{pk}")
    public = f"/partnerships/{pk}/benefits/public/"
    queue = deque([f"/partnerships/{pk}/", *_page_seeds(pk), *_api_seeds(client, pk)])
    queued, read, problems = set(queue), set(), []
    while queue:
        url = queue.popleft()
        try:
            response = client.get(url)
        except Exception as error:  # a page that fails is a finding too, and the crawl goes on
            problems.append(f"{url} raised {error!r:.200}")
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith(READABLE):
            continue
        read.add(url)
        found, links = _leaks(url, response)
        problems += found
        for link in links:
            target, _ = urldefrag(urljoin(url, link))
            path = urlsplit(target).path
            if (
                urlsplit(target).netloc
                or not path.startswith(roots)
                or path.startswith(public)
                or path.endswith(DOWNLOADS)
                or target in queued
            ):
                continue
            queued.add(target)
            queue.append(target)
    return read, problems


@pytest.mark.parametrize("story", [NORTH_LANARKSHIRE, RENFREWSHIRE], ids=lambda s: s.place)
def test_a_service_user_meets_no_money_anywhere_in_the_partnership(demo_db, client, story):
    client.force_login(User.objects.get(email=story.person(Role.SERVICE_USER).email))
    pk = Partnership.objects.get(title=story.title).pk

    read, problems = crawl(client, pk)

    assert problems == []
    # the crawl reached the pages where money used to show
    for page in ("pilot/", "pilot/kpis/", "pilot/dashboard/", "benefits/thread/"):
        assert f"/partnerships/{pk}/{page}" in read
    assert f"/api/v1/partnerships/{pk}/pilot/kpis" in read
    assert f"/api/v1/partnerships/{pk}/benefits/thread" in read
    assert any(url.startswith(f"/api/v1/partnerships/{pk}/benefits/thread/kpi/") for url in read)
    assert len(read) > 100
