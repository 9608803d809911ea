from tgfix.localize import ochiai, rank_lines

SOURCE = "a = 1\nb = 2\nc = 3\n"


def test_ochiai_extremes():
    failing = frozenset({"f1", "f2"})
    assert ochiai({"f1", "f2"}, failing) == 1.0
    assert ochiai({"p1"}, failing) == 0.0
    assert 0 < ochiai({"f1", "p1", "p2"}, failing) < ochiai({"f1", "p1"}, failing)


def test_rank_lines_orders_by_suspiciousness():
    coverage = {1: frozenset({"f", "p"}), 2: frozenset({"f"}), 3: frozenset({"p"})}
    ranked = rank_lines(coverage, frozenset({"f"}), SOURCE)
    assert [line.number for line in ranked] == [2, 1]
    assert ranked[0].text == "b = 2" and ranked[0].score == 1.0
