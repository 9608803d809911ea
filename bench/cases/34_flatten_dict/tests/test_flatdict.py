from flatdict import flatten_dict, unflatten_dict


def test_flat_input():
    assert flatten_dict({"a": 1, "b": 2}) == {"a": 1, "b": 2}


def test_one_level():
    assert flatten_dict({"db": {"host": "h", "port": 1}}) == {"db.host": "h", "db.port": 1}


def test_three_levels():
    data = {"a": {"b": {"c": 1, "d": 2}}, "e": 3}
    assert flatten_dict(data) == {"a.b.c": 1, "a.b.d": 2, "e": 3}


def test_custom_separator():
    assert flatten_dict({"x": {"y": {"z": 0}}}, sep="/") == {"x/y/z": 0}


def test_round_trip():
    data = {"a": {"b": {"c": 1}}, "k": [1, 2]}
    assert unflatten_dict(flatten_dict(data)) == data
