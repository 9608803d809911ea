def min_coins(coins, amount):
    """The fewest coins adding up to amount, or -1 if none do."""
    if amount == 0:
        return 0
    best = -1
    for coin in coins:
        if coin <= amount:
            rest = min_coins(coins, amount - coin)
            if rest != -1 and (best == -1 or rest + 1 < best):
                best = rest + 1
    return best
