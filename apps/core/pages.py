"""Numbered pages for the web lists (review queues, applications, grants): the page
asked for in ?page=, a bad number giving the nearest page, and links that keep the
other query parameters (tabs, filters)."""

from django.core.paginator import Paginator

PAGE_SIZE = 20


def page_of(request, rows, size: int = PAGE_SIZE) -> dict:
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)

    def link(number: int) -> str:
        query["page"] = number
        return "?" + query.urlencode()

    return {
        "page": page,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else None,
        "next_url": link(page.next_page_number()) if page.has_next() else None,
    }
