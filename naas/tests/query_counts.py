"""One check for every list page (issue 13): the page costs the same number of queries with a few
rows as with many, so a list never turns into one query per row (N+1) as the data grows.

`build(size)` makes a world with `size` rows through the real services and factories and
returns who looks and where: `(user, url)`. The list pages' inventory in
`tests/test_list_pages.py` names the test that calls this for each page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

SIZES = (3, 30)


def _measure(client, user, url):
    client.force_login(user)
    # the first page after signing in loads and stamps the session: not the page's own cost
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [query["sql"] for query in queries.captured_queries]


def assert_same_queries(client, build, sizes=SIZES):
    """Render the page at two sizes: both 200, the same number of queries, and the larger world
    really shows more on the page (else the test would pass on a page that ignores the rows).
    Returns the larger page, for the caller's own checks of what it shows."""
    small_size, large_size = sizes
    assert small_size < large_size
    small, small_sql = _measure(client, *build(small_size))
    large, large_sql = _measure(client, *build(large_size))
    extra = [sql for sql in large_sql if sql not in small_sql]
    assert len(small_sql) == len(large_sql), (len(small_sql), len(large_sql), extra[:5])
    assert len(large.content) > len(small.content), "the larger world shows no more rows"
    return large
