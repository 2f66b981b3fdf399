# 64-bit FNV-1a and a 32-bit xorshift, masked as C does natively: integer width and wrap-around.
MASK64 = (1 << 64) - 1
MASK32 = (1 << 32) - 1


def fnv1a(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & MASK64
    return h


def xorshift32(state):
    state ^= (state << 13) & MASK32
    state ^= state >> 17
    state ^= (state << 5) & MASK32
    return state & MASK32


state = 2463534242
acc = 0
for i in range(300_000):
    state = xorshift32(state)
    acc = (acc + state * i) & MASK64
print("xorshift:", state, acc)
h = 0
for i in range(20_000):
    h ^= fnv1a(f"key-{i}".encode())
print("fnv1a:", h, hex(h))
print("signed:", h - (1 << 64) if h >= 1 << 63 else h)
