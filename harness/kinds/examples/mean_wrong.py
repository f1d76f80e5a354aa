def mean(values):
    return sum(values) / (len(values) - 1)  # a classic off-by-one
