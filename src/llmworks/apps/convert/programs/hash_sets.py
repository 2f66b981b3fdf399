# Sets and dicts of integers: distinct values, intersections and a frequency histogram.
a, b = set(), set()
seen = {}
v = 1
for i in range(400_000):
    v = (v * 6364136223846793005 + 1442695040888963407) % 2**64
    key = v >> 44
    (a if i % 2 else b).add(key)
    seen[key % 1000] = seen.get(key % 1000, 0) + 1
print("distinct:", len(a), len(b))
print("both:", len(a & b), "either:", len(a | b), "only a:", len(a - b))
print("most common bucket:", max(sorted(seen), key=lambda k: seen[k]), max(seen.values()))
print("smallest:", sorted(a)[:5])
