def days_until_warmer(temperatures):
    """For each day, the days until a strictly warmer one, 0 if none comes."""
    waits = [0] * len(temperatures)
    waiting = []  # days still waiting, their temperatures not increasing
    for day, temperature in enumerate(temperatures):
        while waiting and temperatures[waiting[-1]] < temperature:
            earlier = waiting.pop()
            waits[earlier] = day - earlier
        waiting.append(day)
    return waits
