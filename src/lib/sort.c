#include "sort.h"

void sort_u64(uint64_t *a, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = a[i];
		unsigned int j = i;
		while (j > 0 && a[j - 1] > x) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
}
