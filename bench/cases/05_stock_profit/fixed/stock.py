def max_profit(prices):
    """Best profit from one buy followed by one later sell (0 if none)."""
    if not prices:
        return 0
    lowest = prices[0]
    best = 0
    for price in prices[1:]:
        best = max(best, price - lowest)
        lowest = min(lowest, price)
    return best
