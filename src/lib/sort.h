/* Sorting for freestanding code (benchmarks: medians over samples). */
#ifndef TZV_SORT_H
#define TZV_SORT_H

#include <stdint.h>

/* Insertion sort, ascending: small arrays, no allocation. */
void sort_u64(uint64_t *a, unsigned int n);

#endif
