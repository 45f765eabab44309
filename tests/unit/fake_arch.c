#include "fake_arch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "plat/plat.h"

char fake_console[16384];
size_t fake_console_len;
jmp_buf *fake_halt_jmp;
static void *cpu_local;

const struct plat_desc plat = {
	.name = "host",
	.secure_uart_base = 0x09040000,
	.secure_uart_intid = 40,
	.cpus_per_cluster = 8,
};

void fake_console_reset(void)
{
	fake_console_len = 0;
	fake_console[0] = '\0';
}

void plat_console_init(uint64_t base)
{
	(void)base;
}

void plat_console_putc(char c)
{
	if (fake_console_len + 1 < sizeof(fake_console)) {
		fake_console[fake_console_len++] = c;
		fake_console[fake_console_len] = '\0';
	}
}

/* The console UART's input (plat_console_getc): fake_uart_rx[fake_uart_rx_pos..len). */
uint8_t fake_uart_rx[256];
unsigned int fake_uart_rx_len, fake_uart_rx_pos, fake_uart_getc_calls;
bool fake_uart_rx_irq;
unsigned int fake_uart_rx_irq_writes;

void plat_console_rx_irq(bool on)
{
	fake_uart_rx_irq = on;
	fake_uart_rx_irq_writes++;
}

int plat_console_getc(void)
{
	fake_uart_getc_calls++;
	return fake_uart_rx_pos < fake_uart_rx_len ? fake_uart_rx[fake_uart_rx_pos++] : -1;
}

int plat_cpu_index(uint64_t mpidr)
{
	return (int)(mpidr & 0xFF);
}

void arch_cpu_relax(void)
{
}

void arch_halt(void)
{
	if (fake_halt_jmp != NULL) {
		longjmp(*fake_halt_jmp, 1);
	}
	fprintf(stderr, "unexpected halt; console:\n%s\n", fake_console);
	abort();
}

void *arch_cpu_local(void)
{
	return cpu_local;
}

void arch_cpu_local_set(void *p)
{
	cpu_local = p;
}

uint64_t arch_mpidr(void)
{
	return 0;
}

unsigned int fake_rndr_failures;
uint64_t fake_rndr_next = 0x0123456789ABCDEFULL;

bool arch_rndr(uint64_t *v)
{
	if (fake_rndr_failures > 0) {
		fake_rndr_failures--;
		*v = 0;
		return false;
	}
	*v = fake_rndr_next;
	fake_rndr_next = fake_rndr_next * 6364136223846793005ULL + 1442695040888963407ULL;
	return true;
}
