from slug import slugify


def test_simple():
    assert slugify("Hello World") == "hello-world"


def test_punctuation():
    assert slugify("  C'est la vie!  ") == "c-est-la-vie"


def test_digits_kept():
    assert slugify("Top 10 Tips") == "top-10-tips"


def test_truncation():
    assert slugify("alpha beta gamma", max_length=11) == "alpha-beta"


def test_empty():
    assert slugify("!!!") == ""
