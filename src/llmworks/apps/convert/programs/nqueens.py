# Solutions of the N-queens puzzle for N = 4..10, by backtracking with bit masks.


def solve(n, row=0, cols=0, diag1=0, diag2=0):
    if row == n:
        return 1
    count = 0
    free = ~(cols | diag1 | diag2) & ((1 << n) - 1)
    while free:
        bit = free & -free
        free ^= bit
        count += solve(n, row + 1, cols | bit, (diag1 | bit) << 1, (diag2 | bit) >> 1)
    return count


for n in range(4, 11):
    print(f"{n}-queens: {solve(n)} solutions")
