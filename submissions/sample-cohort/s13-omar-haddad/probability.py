# Omar Haddad
import math

def bernoulli_pmf(k, p):
    return p**k * (1 - p)**(1 - k)

def binomial_pmf(k, n, p):
    return p**k * (1 - p)**(n - k)
