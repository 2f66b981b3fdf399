# Word frequencies of a generated text: strings, a dict, and sorting by (-count, word).
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "an", "el"]
state = 12345


def rand():
    global state
    state = (state * 1103515245 + 12345) % 2147483648
    return state


words = []
for _ in range(200_000):
    length = 1 + rand() % 3
    words.append("".join(SYLLABLES[rand() % len(SYLLABLES)] for _ in range(length)))
text = " ".join(words)
counts = {}
for word in text.split():
    counts[word] = counts.get(word, 0) + 1
print("characters:", len(text))
print("distinct words:", len(counts))
for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
    print(f"{word:>8} {n}")
print("longest:", max(counts, key=lambda w: (len(w), w)))
