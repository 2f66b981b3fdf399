# Integer matrix product (120 x 120), its trace and a checksum: values exceed 32 bits.
N = 120
a = [[(i * 31 + j * 17) % 1000 - 500 for j in range(N)] for i in range(N)]
b = [[(i * 7 + j * 13) % 997 - 400 for j in range(N)] for i in range(N)]
c = [[0] * N for _ in range(N)]
for i in range(N):
    ai, ci = a[i], c[i]
    for k in range(N):
        aik, bk = ai[k], b[k]
        for j in range(N):
            ci[j] += aik * bk[j]
for _ in range(3):  # square it again, modulo a prime, three times
    c = [[sum(c[i][k] * c[k][j] for k in range(N)) % 1_000_000_007 for j in range(N)] for i in range(N)]
print("trace:", sum(c[i][i] for i in range(N)))
print("corner:", c[0][0], c[N - 1][N - 1])
print("checksum:", sum(sum(row) for row in c) % 2**61)
