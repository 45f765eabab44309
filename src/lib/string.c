/*
 * String and memory functions for the freestanding build. Simple byte loops,
 * with fast paths for aligned memcpy/memset, the ones on measured paths: the
 * compiler turns every copy of the 144-byte FF-A register block into a
 * memcpy call (make bench: a direct request made about 20 of them).
 */
#include <stdint.h>
#include <string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		/* 32 bytes an iteration: the FF-A register block (144 bytes) is the hot case. */
		for (; n >= 32; n -= 32, d += 32, s += 32) {
			uint64_t a = ((const uint64_t *)(const void *)s)[0];
			uint64_t b = ((const uint64_t *)(const void *)s)[1];
			uint64_t c = ((const uint64_t *)(const void *)s)[2];
			uint64_t e = ((const uint64_t *)(const void *)s)[3];
			((uint64_t *)(void *)d)[0] = a;
			((uint64_t *)(void *)d)[1] = b;
			((uint64_t *)(void *)d)[2] = c;
			((uint64_t *)(void *)d)[3] = e;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8) {
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
		}
	}
	while (n-- > 0) {
		*d++ = *s++;
	}
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0) {
		return dst;
	}
	if (d < s || d >= s + n) {
		return memcpy(dst, src, n);
	}
	while (n-- > 0) {
		d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (((uintptr_t)d & 7) == 0) {
		uint64_t w = (unsigned char)c * 0x0101010101010101ULL;
		for (; n >= 32; n -= 32, d += 32) {
			((uint64_t *)(void *)d)[0] = w;
			((uint64_t *)(void *)d)[1] = w;
			((uint64_t *)(void *)d)[2] = w;
			((uint64_t *)(void *)d)[3] = w;
		}
		for (; n >= 8; n -= 8, d += 8) {
			*(uint64_t *)(void *)d = w;
		}
	}
	while (n-- > 0) {
		*d++ = (unsigned char)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] - y[i];
		}
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (unsigned char)c) {
			return (void *)(uintptr_t)(p + i);
		}
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)(uintptr_t)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c) {
			last = s;
		}
		if (*s == '\0') {
			return (char *)(uintptr_t)last;
		}
	}
}

int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
