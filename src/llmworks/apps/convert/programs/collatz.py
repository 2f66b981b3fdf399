# Longest Collatz chain below 300,000: values on the way exceed 2**32.
best_start, best_len, highest = 1, 1, 1
for start in range(1, 300_000):
    n, length = start, 1
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        if n > highest:
            highest = n
        length += 1
    if length > best_len:
        best_start, best_len = start, length
print(best_start, best_len)
print("highest value reached:", highest)
