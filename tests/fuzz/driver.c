/*
 * A deterministic mutation driver for the fuzz targets, for make test (gcc,
 * ASan, UBSan; no libFuzzer needed): for each seed (compiled in at build
 * time: the project's real manifests and descriptors for fuzz_parsers.c, a
 * corpus for fuzz_mem.c), a fixed-seed PRNG applies bit flips, byte
 * overwrites with boundary values, truncations and 32-bit field rewrites,
 * FUZZ_ITERATIONS times. Output is TAP, one line per seed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h" /* generated: fuzz_seeds[], fuzz_seed_sizes[], fuzz_seed_names[] */

#ifndef FUZZ_ITERATIONS
#define FUZZ_ITERATIONS 20000U
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static size_t mutate(uint8_t *buf, size_t size, size_t cap)
{
	static const uint32_t boundary[] = {0,	    1,		0x7F,	    0x80,
					    0xFF,   0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
					    0x1000, 0xFFFFF000, 0x8000,	    0xFFFF};
	unsigned int n = 1 + next() % 4;

	for (unsigned int k = 0; k < n && size > 0; k++) {
		size_t at = next() % size;
		switch (next() % 5) {
		case 0:
			buf[at] ^= (uint8_t)(1U << (next() % 8));
			break;
		case 1:
			buf[at] = (uint8_t)boundary[next() % 12];
			break;
		case 2:
			if (at + 4 <= size) {
				uint32_t v = boundary[next() % 12];
				/* FDT cells are big-endian */
				buf[at] = (uint8_t)(v >> 24);
				buf[at + 1] = (uint8_t)(v >> 16);
				buf[at + 2] = (uint8_t)(v >> 8);
				buf[at + 3] = (uint8_t)v;
			}
			break;
		case 3:
			size = at; /* truncate */
			break;
		default:
			if (size < cap) {
				memmove(buf + at + 1, buf + at, size - at);
				buf[at] = (uint8_t)next();
				size++;
			}
			break;
		}
	}
	return size;
}

/*
 * One TAP line per seed; or, with FUZZ_CORPUS_NAME (a corpus of many small
 * seeds, named by hash), one line for all of them.
 */
int main(void)
{
#ifdef FUZZ_CORPUS_NAME
	printf("1..1\n");
#else
	printf("1..%u\n", FUZZ_SEED_COUNT);
#endif
	for (unsigned int s = 0; s < FUZZ_SEED_COUNT; s++) {
		size_t cap = fuzz_seed_sizes[s] + 64;
		uint8_t *buf = malloc(cap);
		LLVMFuzzerTestOneInput(fuzz_seeds[s], fuzz_seed_sizes[s]);
		for (unsigned int i = 0; i < FUZZ_ITERATIONS; i++) {
			memcpy(buf, fuzz_seeds[s], fuzz_seed_sizes[s]);
			size_t n = mutate(buf, fuzz_seed_sizes[s], cap);
			LLVMFuzzerTestOneInput(buf, n);
		}
		free(buf);
#ifndef FUZZ_CORPUS_NAME
		printf("ok %u - %s_%u_mutations\n", s + 1, fuzz_seed_names[s], FUZZ_ITERATIONS);
#endif
	}
#ifdef FUZZ_CORPUS_NAME
	printf("ok 1 - %s_%u_seeds_%u_mutations_each\n", FUZZ_CORPUS_NAME, FUZZ_SEED_COUNT,
	       FUZZ_ITERATIONS);
#endif
	return 0;
}
