"""The suite-wide page check (naas/tests/page_checks.py) itself: it must flag each defect it
exists for, and pass a page without them."""

from naas.tests.page_checks import page_problems

SUMMARY = (
    '<div class="govuk-error-summary"><div role="alert"><ul>'
    '<li><a href="#{target}">Enter a date</a></li></ul></div></div>'
)


def page(title: str, target: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body>"
        f"{SUMMARY.format(target=target)}{body}</body></html>"
    )


def test_a_correct_page_passes():
    html = page("Error: Book", "id_on_0", '<input id="id_on_0" name="on_0"><br/><img src="x">')
    assert page_problems(html) == []


def test_a_page_without_a_summary_is_not_checked():
    assert page_problems("<html><head><title>Book</title></head><body></body></html>") == []


def test_a_summary_without_the_title_prefix_is_flagged():
    [problem] = page_problems(page("Book", "id_on_0", '<input id="id_on_0">'))
    assert "title" in problem


def test_a_link_to_a_missing_id_is_flagged():
    # the defect found on radios: the group has no id, the first radio is id_decision_1
    [problem] = page_problems(page("Error: Decide", "id_decision", '<input id="id_decision_1">'))
    assert "#id_decision, which is not on the page" in problem


def test_a_link_to_an_element_that_cannot_take_focus_is_flagged():
    [problem] = page_problems(page("Error: Import", "row-5", '<table><tr id="row-5"></tr></table>'))
    assert "cannot take focus" in problem
    assert page_problems(page("Error: Import", "row-5", '<tr id="row-5" tabindex="-1"></tr>')) == []
