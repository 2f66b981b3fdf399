# Edit distances between generated strings: string indexing and a 2-row dynamic programme.


def distance(s, t):
    previous = list(range(len(t) + 1))
    for i, cs in enumerate(s, 1):
        current = [i]
        for j, ct in enumerate(t, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cs != ct)))
        previous = current
    return previous[-1]


ALPHABET = "acgt"
seed = 7


def gen(n):
    global seed
    out = []
    for _ in range(n):
        seed = (seed * 214013 + 2531011) % 4294967296
        out.append(ALPHABET[(seed >> 16) % 4])
    return "".join(out)


strings = [gen(300 + 10 * k) for k in range(8)]
total = 0
for i in range(len(strings)):
    for j in range(i + 1, len(strings)):
        d = distance(strings[i], strings[j])
        total += d
print("pairs:", len(strings) * (len(strings) - 1) // 2)
print("total distance:", total)
print("first:", distance(strings[0], strings[1]), strings[0][:20])
