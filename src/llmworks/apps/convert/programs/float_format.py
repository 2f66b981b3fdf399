# How Python prints floats: shortest round-trip repr, exponent forms, f-strings, and accumulated rounding error.
values = [0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1.5e-7, 123456789.125, 2.0**0.5, 1e22, 5e-324, 100.0]
for v in values:
    print(v, repr(v * 3), f"{v:.3f}", f"{v:e}", f"{v:g}")
total = 0.0
for i in range(1, 2_000_001):
    total += 1.0 / (i * i)
print(total, f"{total:.15f}", (total * 6) ** 0.5)
print(float("inf"), -float("inf"), 7.0, -0.0, 1e100)
