# 0/1 knapsack by dynamic programming over capacity, with the chosen items recovered.
items = []
seed = 2024
for _ in range(200):
    seed = (seed * 48271) % 2147483647
    weight = 10 + seed % 90
    seed = (seed * 48271) % 2147483647
    value = 1 + seed % 500
    items.append((weight, value))
CAPACITY = 5000
best = [0] * (CAPACITY + 1)
keep = [[False] * (CAPACITY + 1) for _ in items]
for i, (w, v) in enumerate(items):
    for c in range(CAPACITY, w - 1, -1):
        if best[c - w] + v > best[c]:
            best[c] = best[c - w] + v
            keep[i][c] = True
chosen = []
c = CAPACITY
for i in range(len(items) - 1, -1, -1):
    if keep[i][c]:
        chosen.append(i)
        c -= items[i][0]
print("best value:", best[CAPACITY])
print("items chosen:", len(chosen), "weight used:", sum(items[i][0] for i in chosen))
print("first chosen:", sorted(chosen)[:8])
