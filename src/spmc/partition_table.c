/* The partition table and its lookups, apart from the loader so that host tests can link them. */
#include "spmc/partition.h"

#include "core/mm.h"
#include "core/types.h"
#include "plat/plat.h"
#include "spmc/console_rx.h"

struct partition *partitions;
unsigned int partition_count;

struct partition *partition_find(ffa_id_t id)
{
	for (unsigned int i = 0; i < partition_count; i++) {
		if (partitions[i].id == id) {
			return &partitions[i];
		}
	}
	return NULL;
}

struct vcpu *partition_vcpu_for_cpu(struct partition *sp, unsigned int cpu_index)
{
	if (sp->vcpu_count == 1) {
		return &sp->vcpus[0];
	}
	return cpu_index < sp->vcpu_count ? &sp->vcpus[cpu_index] : NULL;
}

/* A region's attributes as the ledger keeps them: write and execute. */
static uint8_t owned_attrs(uint32_t region_attrs)
{
	return (uint8_t)(((region_attrs & SP_REGION_W) != 0 ? MM_W : 0U) |
			 ((region_attrs & SP_REGION_X) != 0 ? MM_X : 0U));
}

bool partition_memory_at(uint64_t addr, ffa_id_t *owner, uint64_t *end, uint8_t *attrs)
{
	for (unsigned int i = 0; i < partition_count; i++) {
		const struct partition *sp = &partitions[i];
		*owner = sp->id;
		/* Memory regions first: one may lie inside its mem_size memory, with its own
		 * rights. */
		for (unsigned int r = 0; r < sp->m.mem_count; r++) {
			const struct sp_region *m = &sp->m.mem[r];
			uint64_t m_end = m->base + (uint64_t)m->pages * PAGE_SIZE;
			if ((m->attrs & SP_REGION_NS) == 0 && addr >= m->base && addr < m_end) {
				*end = m_end;
				*attrs = owned_attrs(m->attrs);
				return true;
			}
		}
		/* Its memory: read-only up to ro_end (a package header), then read-write-execute.
		 */
		if (addr >= sp->load_address && addr < sp->ro_end) {
			*end = sp->ro_end;
			*attrs = 0;
			return true;
		}
		if (addr >= sp->ro_end && addr < sp->mem_end) {
			*end = sp->mem_end;
			/* Up to a region inside it, if one follows. */
			for (unsigned int r = 0; r < sp->m.mem_count; r++) {
				const struct sp_region *m = &sp->m.mem[r];
				if ((m->attrs & SP_REGION_NS) == 0 && m->base > addr &&
				    m->base < *end) {
					*end = m->base;
				}
			}
			*attrs = MM_W | MM_X;
			return true;
		}
	}
	return false;
}

bool partition_ns_region_overlaps(const struct partition *sp, uint64_t base, uint64_t end)
{
	for (unsigned int r = 0; r < sp->m.mem_count + sp->m.dev_count; r++) {
		const struct sp_region *m =
			r < sp->m.mem_count ? &sp->m.mem[r] : &sp->m.dev[r - sp->m.mem_count];
		uint64_t m_end = m->base + (uint64_t)m->pages * PAGE_SIZE;
		if ((m->attrs & SP_REGION_NS) != 0 && base < m_end && m->base < end) {
			return true;
		}
	}
	return false;
}

bool partition_uart_access(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
	struct partition *sp = v->sp;
	struct arch_mmio m;

	if (!sp->uart_emulated || ALIGN_DOWN(ipa, PAGE_SIZE) != plat.secure_uart_base ||
	    !arch_mmio_decode(esr, &v->arch.regs, &m)) {
		return false;
	}
	uint64_t val = m.val;
	sl_lock(&sp->uart_lock);
	bool ok = vuart_mmio(&sp->uart, ipa & (PAGE_SIZE - 1), m.size, m.write, &val);
	if (ok) {
		console_rx_access(sp); /* its input and its interrupt line */
	}
	sl_unlock(&sp->uart_lock);
	if (ok) {
		arch_mmio_complete(&v->arch.regs, &m, val);
	}
	return ok;
}
