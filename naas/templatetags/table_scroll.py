"""`{% table_scroll "Supervisees" %}<table>…</table>{% endtable_scroll %}`: a wide table scrolls
inside its own box at 320 CSS px, so the page itself never scrolls sideways (WCAG 1.4.10
Reflow). The box is a named, focusable region so keyboard users can scroll it with the arrow
keys (axe: scrollable-region-focusable). One place writes the attributes."""

from django import template
from django.utils.html import format_html

register = template.Library()


class TableScrollNode(template.Node):
    def __init__(self, label, nodelist):
        self.label = label
        self.nodelist = nodelist

    def render(self, context):
        return format_html(
            '<div class="naas-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
            self.label.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def table_scroll(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the table's name")
    nodelist = parser.parse(("endtable_scroll",))
    parser.delete_first_token()
    return TableScrollNode(parser.compile_filter(bits[1]), nodelist)
