"""The seeded demo (`seed_demo`) on a fixed day, and a walker that signs in as a demo account
and checks every page it reaches with axe-core, with and without JavaScript. Shared by the
browser walks of the README's journeys (tests/browser/test_demo_*.py); their fixtures
(`seeded_demo`, `walk`) are in this folder's conftest.py."""

from datetime import datetime
from zoneinfo import ZoneInfo

# Tuesday 2 June 2026, mid-morning in England. The demo is seeded on this day and the clock
# ticks on from it, so every date the pages show is known whatever the real date is.
DEMO_DAY = datetime(2026, 6, 2, 10, tzinfo=ZoneInfo("Europe/London"))
DEMO_PASSWORD = "Accredit-Demo-2026"


def demo_email(account: str) -> str:
    return f"{account}@demo.naas.test"


class Walk:
    """One browser tab walking the demo; `visited` keeps every page checked."""

    def __init__(self, page, assert_accessible):
        self.page = page
        self._assert_accessible = assert_accessible
        self.visited: list[str] = []

    def sign_in(self, account: str, lands_on: str | None) -> None:
        """Sign in through the sign-in page; the page it lands on is checked (unless None)."""
        self.page.goto("/sign-in/")
        self.page.fill("#id_username", demo_email(account))
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("input[type=submit], button[type=submit]")
        self.page.wait_for_load_state()
        if lands_on is not None:
            self.check(lands_on)

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url("**/sign-in/")

    def check(self, heading: str) -> None:
        """The page's heading is the one expected and axe-core finds nothing on it."""
        assert heading in self.page.locator("h1").first.inner_text(), self.page.url
        self._assert_accessible(self.page)
        self.visited.append(self.page.url)

    def go(self, path: str, heading: str) -> None:
        response = self.page.goto(path)
        assert response.status == 200, (path, response.status)
        self.check(heading)

    def follow(self, link: str, heading: str, *, exact: bool = False) -> None:
        self.page.get_by_role("link", name=link, exact=exact).first.click()
        self.page.wait_for_load_state()
        self.check(heading)

    def press(self, button: str, heading: str) -> None:
        self.page.get_by_role("button", name=button).click()
        self.page.wait_for_load_state()
        self.check(heading)

    def main(self) -> str:
        return self.page.locator("main").inner_text()

    def row(self, text: str) -> str:
        """The words of the first table row that mentions `text`."""
        return self.page.locator("tr", has_text=text).first.inner_text()
