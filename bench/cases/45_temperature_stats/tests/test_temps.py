from temps import summarize, hottest_city

READINGS = [
    ("oslo", 3), ("rome", 18), ("oslo", -2), ("rome", 25), ("oslo", 7), ("rome", 21),
]


def test_min():
    s = summarize(READINGS)
    assert s["oslo"]["min"] == -2
    assert s["rome"]["min"] == 18


def test_max():
    s = summarize(READINGS)
    assert s["oslo"]["max"] == 7
    assert s["rome"]["max"] == 25


def test_mean():
    assert summarize(READINGS)["oslo"]["mean"] == 2.67


def test_single_reading():
    assert summarize([("lima", 19)]) == {"lima": {"min": 19, "max": 19, "mean": 19.0}}


def test_hottest():
    assert hottest_city(READINGS) == "rome"
    assert hottest_city([]) is None
