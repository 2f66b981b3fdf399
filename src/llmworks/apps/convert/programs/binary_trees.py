# Allocate and walk many complete binary trees (tuples): allocation and recursion.


def make(depth):
    return (make(depth - 1), make(depth - 1)) if depth else (None, None)


def check(node):
    left, right = node
    return 1 if left is None else 1 + check(left) + check(right)


MAX_DEPTH = 14
print(f"stretch tree of depth {MAX_DEPTH + 1}\t check: {check(make(MAX_DEPTH + 1))}")
long_lived = make(MAX_DEPTH)
for depth in range(4, MAX_DEPTH + 1, 2):
    iterations = 2 ** (MAX_DEPTH - depth + 4)
    total = sum(check(make(depth)) for _ in range(iterations))
    print(f"{iterations}\t trees of depth {depth}\t check: {total}")
print(f"long lived tree of depth {MAX_DEPTH}\t check: {check(long_lived)}")
