# Strings: build a long string, reverse it, count palindromic substrings by expanding around centres.
parts = []
x = 1
for _ in range(3000):
    x = (x * 75 + 74) % 65537
    parts.append("abcba"[x % 5] if x % 7 else "ab"[x % 2])
s = "".join(parts)
count = 0
longest = ""
for centre in range(2 * len(s) - 1):
    lo, hi = centre // 2, centre // 2 + centre % 2
    while lo >= 0 and hi < len(s) and s[lo] == s[hi]:
        count += 1
        if hi - lo + 1 > len(longest):
            longest = s[lo : hi + 1]
        lo -= 1
        hi += 1
print("length:", len(s), "reversed starts:", s[::-1][:12])
print("palindromic substrings:", count)
print("longest:", len(longest), longest[:30])
print("upper/count:", s.upper().count("AB"), s.replace("ab", "X").count("X"))
