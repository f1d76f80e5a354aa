def mean(values):
    if len(values) == 0:
        raise ValueError("no values")
    total = 0.0
    for value in values:
        total += value
    return total / len(values)
