from django import template

register = template.Library()


@register.filter
def author_for(item, user):
    """The author's name as ``user`` may see it ("Anonymous" when hidden from members)."""
    return item.author_label(user)


@register.filter
def get(mapping, key):
    return mapping.get(key, "") if mapping else ""
