from dataclasses import dataclass, field


@dataclass
class Post:
    title: str
    tags: list = field(default_factory=list)


def all_tags(posts):
    """All tags of all posts, in order, without duplicates."""
    collected = []
    for post in posts:
        collected.extend(post.tags)
    unique = []
    for tag in collected:
        if tag not in unique:
            unique.append(tag)
    return unique


def tag_index(posts):
    """Map each tag to the titles of posts carrying it."""
    index = {}
    for post in posts:
        for tag in post.tags:
            index.setdefault(tag, []).append(post.title)
    return index
