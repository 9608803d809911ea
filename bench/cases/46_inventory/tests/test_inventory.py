import pytest
from inventory import Inventory, InventoryError, UnknownItem, OutOfStock


@pytest.fixture
def inv():
    inv = Inventory()
    inv.add_item("A1", "bolt", 0.25, quantity=100, reorder_level=20, tags={"hardware"})
    inv.add_item("B2", "hammer", 12.5, quantity=4, reorder_level=5, tags={"tools"})
    inv.add_item("C3", "saw", 20.0, quantity=10, reorder_level=2, tags={"tools", "sharp"})
    return inv


def test_add_and_lookup(inv):
    assert len(inv) == 3
    assert "A1" in inv
    assert inv.get("B2").name == "hammer"


def test_duplicate_sku(inv):
    with pytest.raises(InventoryError):
        inv.add_item("A1", "dup", 1.0)


def test_unknown(inv):
    with pytest.raises(UnknownItem):
        inv.get("ZZ")


def test_restock(inv):
    assert inv.restock("B2", 6) == 10


def test_reserve_reduces_available(inv):
    inv.reserve("C3", 3)
    assert inv.get("C3").available == 7
    assert inv.get("C3").quantity == 10


def test_reserve_everything_available(inv):
    inv.reserve("B2", 4)
    assert inv.get("B2").available == 0


def test_reserve_too_much(inv):
    with pytest.raises(OutOfStock):
        inv.reserve("B2", 5)


def test_release(inv):
    inv.reserve("A1", 10)
    inv.release("A1", 4)
    assert inv.get("A1").reserved == 6


def test_ship(inv):
    inv.reserve("A1", 10)
    inv.ship("A1", 10)
    item = inv.get("A1")
    assert (item.quantity, item.reserved) == (90, 0)


def test_sell_entire_stock(inv):
    inv.sell("C3", 10)
    assert inv.get("C3").quantity == 0


def test_cannot_remove_reserved(inv):
    inv.reserve("C3", 1)
    with pytest.raises(InventoryError):
        inv.remove_item("C3")


def test_total_value(inv):
    assert inv.total_value() == 275.0


def test_needs_reorder(inv):
    inv.reserve("A1", 80)
    assert inv.needs_reorder() == ["A1", "B2"]


def test_by_tag(inv):
    assert inv.by_tag("tools") == ["B2", "C3"]


def test_history(inv):
    inv.restock("A1", 5)
    inv.sell("A1", 2)
    assert inv.history("A1") == [("add", "A1", 100), ("restock", "A1", 5),
                                 ("reserve", "A1", 2), ("ship", "A1", 2)]


def test_report(inv):
    lines = inv.report().splitlines()
    assert lines[1] == "A1      bolt            100    0     25.00"
    assert lines[-1].endswith("275.00")


def test_purchase_order_partial_then_complete(inv):
    po = inv.order("acme", {"B2": 6, "C3": 2})
    assert inv.receive(po, {"B2": 4}) is False
    assert inv.open_orders() == [po]
    assert inv.receive(po, {"B2": 2, "C3": 2}) is True
    assert inv.open_orders() == []
    assert inv.get("B2").quantity == 10


def test_over_delivery_rejected(inv):
    po = inv.order("acme", {"A1": 5})
    with pytest.raises(InventoryError):
        inv.receive(po, {"A1": 6})
    assert inv.get("A1").quantity == 100


def test_suggest_orders(inv):
    plan = inv.suggest_orders(lambda sku: "tools-co" if sku in inv.by_tag("tools") else "other")
    assert plan == {"tools-co": {"B2": 6}}


def test_adjust_after_stocktake(inv):
    assert inv.adjust("C3", 8) == -2
    assert inv.history("C3")[-1] == ("adjust", "C3", -2)


def test_csv_round_trip(inv):
    text = inv.to_csv()
    assert text.splitlines()[1] == "A1,bolt,0.25,100,20,hardware"
    copy = type(inv).from_csv(text)
    assert copy.total_value() == inv.total_value()
    assert copy.by_tag("sharp") == ["C3"]
