from tags import Post, all_tags, tag_index


def make_posts():
    return [
        Post("intro", ["python", "basics"]),
        Post("loops", ["python"]),
        Post("misc"),
        Post("io", ["files", "basics"]),
    ]


def test_all_tags():
    assert all_tags(make_posts()) == ["python", "basics", "files"]


def test_all_tags_empty():
    assert all_tags([]) == []


def test_tag_index():
    assert tag_index(make_posts()) == {
        "python": ["intro", "loops"],
        "basics": ["intro", "io"],
        "files": ["io"],
    }
