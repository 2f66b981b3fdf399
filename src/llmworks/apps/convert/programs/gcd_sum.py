# Greatest common divisors (Euclid) and least common multiples with modular arithmetic.


def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


total = 0
coprime = 0
for i in range(1, 900):
    for j in range(1, 900):
        g = gcd(i, j)
        total += g
        coprime += g == 1
lcm = 1
for k in range(1, 200):
    lcm = lcm * k // gcd(lcm, k)
print("sum of gcds:", total)
print("coprime pairs:", coprime, f"({coprime / 899**2:.6f})")
print("lcm(1..199) mod 1e9+7:", lcm % 1_000_000_007, "bits:", lcm.bit_length())
print("gcd with negatives:", gcd(-48, 18), gcd(48, -18), -48 % 18)
