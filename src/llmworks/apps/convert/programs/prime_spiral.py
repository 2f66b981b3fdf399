# Primality by trial division along the Ulam spiral's diagonals until primes fall below 10 %.


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


primes, total, side, n = 0, 1, 1, 1
while True:
    side += 2
    for _ in range(4):
        n += side - 1
        primes += is_prime(n)
    total += 4
    if primes * 10 < total or side > 10001:
        break
print("side length:", side)
print(f"ratio: {primes}/{total} = {primes / total:.6f}")
