# Arbitrary-precision integers: digits of 1000!, Fibonacci(3000) and 2**2000 (far past 64 bits).
f = 1
for i in range(2, 1001):
    f *= i
digits = str(f)
print("1000! has", len(digits), "digits, digit sum", sum(int(d) for d in digits))
print("trailing zeros:", len(digits) - len(digits.rstrip("0")))
a, b = 0, 1
for _ in range(3000):
    a, b = b, a + b
print("fib(3000) starts", str(a)[:20], "and has", len(str(a)), "digits")
p = 2**2000
print("2**2000 mod 1000000007 =", p % 1_000_000_007, "digits:", len(str(p)))
