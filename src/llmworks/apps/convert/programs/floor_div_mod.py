# Python's // and % round towards negative infinity; C's / and % truncate towards zero.
total_div = 0
total_mod = 0
checks = 0
for a in range(-1500, 1500):
    for b in range(-40, 41):
        if b == 0:
            continue
        q, r = a // b, a % b
        total_div += q * (a + 2000)
        total_mod += r * (b + 100)
        if q * b + r == a:
            checks += 1
print("sum of a // b:", total_div)
print("sum of a % b:", total_mod)
print("identities held:", checks)
print(-7 // 2, -7 % 2, 7 // -2, 7 % -2, -7.5 // 2, -7.5 % 2)
print(divmod(-17, 5), round(2.5), round(3.5), round(-2.5))
