from graph import shortest_path, distances

GRAPH = {
    "a": ["b", "c"],
    "b": ["d"],
    "c": ["e"],
    "d": ["f"],
    "e": ["g"],
    "f": ["g"],
    "g": [],
}


def test_same_node():
    assert shortest_path(GRAPH, "a", "a") == ["a"]


def test_direct_neighbour():
    assert shortest_path(GRAPH, "a", "b") == ["a", "b"]


def test_shortest_of_two_routes():
    assert shortest_path(GRAPH, "a", "f") == ["a", "b", "d", "f"]


def test_unreachable():
    assert shortest_path(GRAPH, "g", "a") is None


def test_distances_small():
    assert distances({"x": ["y"], "y": []}, "x") == {"x": 0, "y": 1}


def test_distances():
    assert distances(GRAPH, "a") == {"a": 0, "b": 1, "c": 1, "d": 2, "e": 2, "f": 3, "g": 3}


def test_distances_two_routes():
    graph = {"a": ["b", "c"], "b": ["e"], "c": ["d"], "d": ["e"], "e": []}
    assert distances(graph, "a") == {"a": 0, "b": 1, "c": 1, "d": 2, "e": 2}
