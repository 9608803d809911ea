"""Warehouse inventory with reservations, restocking, purchase orders,
stocktakes, CSV import/export and reporting."""
import csv
import io
import itertools
from dataclasses import dataclass, field


class InventoryError(Exception):
    """Base class for inventory problems."""


class UnknownItem(InventoryError):
    pass


class OutOfStock(InventoryError):
    pass


@dataclass
class PurchaseOrder:
    po_id: int
    supplier: str
    lines: dict                      # sku -> quantity ordered
    received: dict = field(default_factory=dict)

    @property
    def outstanding(self):
        return {sku: qty - self.received.get(sku, 0)
                for sku, qty in self.lines.items() if qty > self.received.get(sku, 0)}

    @property
    def is_complete(self):
        return not self.outstanding


@dataclass
class Item:
    sku: str
    name: str
    unit_cost: float
    quantity: int = 0
    reserved: int = 0
    reorder_level: int = 0
    tags: set = field(default_factory=set)

    @property
    def available(self):
        return self.quantity - self.reserved

    @property
    def value(self):
        return round(self.quantity * self.unit_cost, 2)


class Inventory:
    CSV_FIELDS = ["sku", "name", "unit_cost", "quantity", "reorder_level", "tags"]

    def __init__(self):
        self._items = {}
        self._log = []
        self._orders = {}
        self._po_ids = itertools.count(1)

    # -- catalogue --------------------------------------------------------
    def add_item(self, sku, name, unit_cost, quantity=0, reorder_level=0, tags=()):
        if sku in self._items:
            raise InventoryError(f"duplicate sku {sku}")
        if unit_cost < 0 or quantity < 0:
            raise ValueError("cost and quantity must be non-negative")
        self._items[sku] = Item(sku, name, unit_cost, quantity, 0, reorder_level, set(tags))
        self._log.append(("add", sku, quantity))
        return self._items[sku]

    def get(self, sku):
        try:
            return self._items[sku]
        except KeyError:
            raise UnknownItem(sku) from None

    def remove_item(self, sku):
        item = self.get(sku)
        if item.reserved:
            raise InventoryError(f"{sku} has open reservations")
        del self._items[sku]
        self._log.append(("remove", sku, item.quantity))

    def __contains__(self, sku):
        return sku in self._items

    def __len__(self):
        return len(self._items)

    # -- stock movements -------------------------------------------------------
    def restock(self, sku, amount):
        if amount <= 0:
            raise ValueError("restock amount must be positive")
        item = self.get(sku)
        item.quantity += amount
        self._log.append(("restock", sku, amount))
        return item.quantity

    def reserve(self, sku, amount):
        """Hold `amount` units for an order without shipping them yet."""
        if amount <= 0:
            raise ValueError("reservation amount must be positive")
        item = self.get(sku)
        if amount > item.available:
            raise OutOfStock(f"{sku}: want {amount}, available {item.available}")
        item.reserved += amount
        self._log.append(("reserve", sku, amount))

    def release(self, sku, amount):
        """Cancel part of a reservation."""
        item = self.get(sku)
        if amount <= 0 or amount > item.reserved:
            raise ValueError("invalid release amount")
        item.reserved -= amount
        self._log.append(("release", sku, amount))

    def ship(self, sku, amount):
        """Ship reserved units: they leave both the reservation and the stock."""
        item = self.get(sku)
        if amount <= 0 or amount > item.reserved:
            raise ValueError("can only ship reserved units")
        item.reserved -= amount
        item.quantity -= amount
        self._log.append(("ship", sku, amount))

    def sell(self, sku, amount):
        """Reserve and ship in one step."""
        self.reserve(sku, amount)
        self.ship(sku, amount)

    # -- purchasing ----------------------------------------------------------------
    def order(self, supplier, lines):
        """Create a purchase order {sku: qty}; returns its id."""
        if not lines:
            raise ValueError("empty purchase order")
        for sku, qty in lines.items():
            self.get(sku)
            if qty <= 0:
                raise ValueError(f"bad quantity for {sku}")
        po = PurchaseOrder(next(self._po_ids), supplier, dict(lines))
        self._orders[po.po_id] = po
        return po.po_id

    def receive(self, po_id, delivered):
        """Book a (possibly partial) delivery against a purchase order."""
        po = self._orders.get(po_id)
        if po is None:
            raise InventoryError(f"unknown purchase order {po_id}")
        outstanding = po.outstanding
        for sku, qty in delivered.items():
            if qty > outstanding.get(sku, 0):
                raise InventoryError(f"PO {po_id}: {sku} over-delivered")
        for sku, qty in delivered.items():
            po.received[sku] = po.received.get(sku, 0) + qty
            self.restock(sku, qty)
        return po.is_complete

    def open_orders(self):
        return sorted(po_id for po_id, po in self._orders.items() if not po.is_complete)

    def suggest_orders(self, supplier_of):
        """Quantities that bring every reorder candidate back to twice its
        reorder level, grouped by supplier (supplier_of maps sku -> name)."""
        plan = {}
        for sku in self.needs_reorder():
            item = self._items[sku]
            qty = 2 * item.reorder_level - item.available
            if qty > 0:
                plan.setdefault(supplier_of(sku), {})[sku] = qty
        return plan

    # -- stocktake -----------------------------------------------------------------
    def adjust(self, sku, counted, reason="stocktake"):
        """Set the physical count after a stocktake; returns the difference."""
        item = self.get(sku)
        if counted < item.reserved:
            raise InventoryError(f"{sku}: count {counted} below reserved {item.reserved}")
        diff = counted - item.quantity
        item.quantity = counted
        self._log.append(("adjust", sku, diff))
        return diff

    # -- import / export -------------------------------------------------------------
    def to_csv(self):
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=self.CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for sku in sorted(self._items):
            item = self._items[sku]
            writer.writerow({"sku": sku, "name": item.name, "unit_cost": item.unit_cost,
                             "quantity": item.quantity, "reorder_level": item.reorder_level,
                             "tags": ";".join(sorted(item.tags))})
        return buf.getvalue()

    @classmethod
    def from_csv(cls, text):
        inv = cls()
        for row in csv.DictReader(io.StringIO(text)):
            tags = [t for t in row.get("tags", "").split(";") if t]
            inv.add_item(row["sku"], row["name"], float(row["unit_cost"]),
                         int(row["quantity"]), int(row.get("reorder_level") or 0), tags)
        return inv

    # -- reporting ---------------------------------------------------------------
    def total_value(self):
        return round(sum(item.value for item in self._items.values()), 2)

    def needs_reorder(self):
        """SKUs whose available stock is at or below their reorder level."""
        return sorted(sku for sku, item in self._items.items()
                      if item.available <= item.reorder_level)

    def by_tag(self, tag):
        return sorted(sku for sku, item in self._items.items() if tag in item.tags)

    def history(self, sku=None):
        if sku is None:
            return list(self._log)
        return [entry for entry in self._log if entry[1] == sku]

    def report(self):
        lines = [f"{'SKU':<8}{'NAME':<14}{'QTY':>5}{'RES':>5}{'VALUE':>10}"]
        for sku in sorted(self._items):
            item = self._items[sku]
            lines.append(f"{sku:<8}{item.name:<14}{item.quantity:>5}"
                         f"{item.reserved:>5}{item.value:>10.2f}")
        lines.append(f"{'TOTAL':<32}{self.total_value():>10.2f}")
        return "\n".join(lines)
