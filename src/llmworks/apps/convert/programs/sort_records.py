# Sorting records by several keys (stable sort), then medians and rank statistics.
records = []
seed = 99
for _ in range(150_000):
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    records.append((seed % 100, -(seed % 997), f"id{seed % 10007:05d}"))
records.sort(key=lambda r: (r[0], r[1], r[2]))
print("first:", records[0], "last:", records[-1])
values = sorted(r[1] for r in records)
mid = len(values) // 2
print("median:", (values[mid - 1] + values[mid]) / 2)
groups = {}
for key, value, _ in records:
    groups.setdefault(key, []).append(value)
print("group 42 size:", len(groups[42]), "mean:", round(sum(groups[42]) / len(groups[42]), 4))
print("checksum:", sum(i * r[0] for i, r in enumerate(records)) % 1_000_003)
