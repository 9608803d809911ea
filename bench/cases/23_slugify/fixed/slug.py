import re


def slugify(title, max_length=50):
    """URL slug: lowercase words of letters/digits joined by '-'."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = "-".join(words)
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug
