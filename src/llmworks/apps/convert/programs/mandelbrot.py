# Points of a 300 x 200 grid inside the Mandelbrot set (at most 200 iterations), and a row checksum.
WIDTH, HEIGHT, LIMIT = 300, 200, 200
inside = 0
checksum = 0
for y in range(HEIGHT):
    ci = 2.0 * y / HEIGHT - 1.0
    for x in range(WIDTH):
        cr = 3.0 * x / WIDTH - 2.0
        zr = zi = 0.0
        n = 0
        while n < LIMIT and zr * zr + zi * zi <= 4.0:
            zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
            n += 1
        if n == LIMIT:
            inside += 1
        checksum = (checksum * 31 + n) % 1_000_000_007
print("inside:", inside)
print("checksum:", checksum)
print(f"area: {inside / (WIDTH * HEIGHT) * 6.0:.6f}")
