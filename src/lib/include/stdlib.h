/* Freestanding: libfdt's environment header includes <stdlib.h>; nothing is needed from it. */
#ifndef TZV_STDLIB_H
#define TZV_STDLIB_H
#include <stddef.h>
#endif
