# Sieve of Eratosthenes: how many primes below 5 million, their sum (past 2**32) and the last one.
N = 5_000_000
is_prime = bytearray([1]) * N
is_prime[0] = is_prime[1] = 0
for i in range(2, int(N**0.5) + 1):
    if is_prime[i]:
        for j in range(i * i, N, i):
            is_prime[j] = 0
count = 0
total = 0
last = 0
for i in range(N):
    if is_prime[i]:
        count += 1
        total += i
        last = i
print(f"primes below {N}: {count}")
print(f"sum: {total}")
print(f"largest: {last}")
