def order_totals(lines):
    """Sum quantity * unit price per order id.

    lines is an iterable of (order_id, quantity, unit_price). Returns a dict
    order_id -> total, in first-seen order.
    """
    totals = {}
    for order_id, qty, price in lines:
        totals.setdefault(order_id, 0)
        totals[order_id] += qty * price
    return totals


def grand_total(lines):
    total = 0
    for _order_id, qty, price in lines:
        total = 0
        total += qty * price
    return total
